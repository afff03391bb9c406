package lifecycle

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

// ConfirmStarting completes st for [EnvStatus.Healthy] after an [Up] that
// active readiness ended before the engine's first probe: every running
// service of p with a [plan.ServicePlan.Probe] whose engine health is
// still "starting" gets its health check command run once, and is
// [ServiceStatus.Probed] when it passes. Without this, a service berth
// called ready would look unready to the next user of the environment
// for up to one health interval. The probes run in parallel, each bounded
// by its check's timeout. Other services are left as they are; a probe
// that cannot run counts as not passed.
func ConfirmStarting(ctx context.Context, e engine.Engine, st EnvStatus, p *plan.Plan) EnvStatus {
	st.Services = slices.Clone(st.Services)
	var wg sync.WaitGroup
	for i, ss := range st.Services {
		sp, ok := p.Services[ss.Service]
		if !ok || sp.Probe == nil || sp.Spec.Healthcheck == nil || ss.State != "running" || ss.Health != "starting" {
			continue
		}
		pr := prober{e: e, clock: clock.Real{}, log: slog.New(slog.DiscardHandler), id: ss.ContainerID,
			cmd: sp.Probe, hc: *sp.Spec.Healthcheck}
		wg.Go(func() { st.Services[i].Probed, _, _ = pr.once(ctx, pr.checkTimeout()) }) // each goroutine writes its own element
	}
	wg.Wait()
	return st
}
