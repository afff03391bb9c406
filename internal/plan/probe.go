package plan

import (
	"slices"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
)

// probeCommand is the command berth runs in a service's container to
// probe its readiness itself (see [ServicePlan.Probe]): the health
// check's test as the engine would run it — "CMD" runs its arguments,
// "CMD-SHELL" runs its string with /bin/sh -c — or nil when there is
// nothing to run or nothing berth should run: no test declared (the
// image's own check, if any, is left to the engine), "NONE", or x-berth.readiness: engine. (A job's probe is
// cleared later: it is ready once it exited 0.)
func probeCommand(hc *engine.Healthcheck, r compose.Readiness) []string {
	if hc == nil || r == compose.ReadinessEngine || len(hc.Test) < 2 {
		return nil
	}
	switch hc.Test[0] {
	case "CMD":
		return slices.Clone(hc.Test[1:])
	case "CMD-SHELL":
		return []string{"/bin/sh", "-c", hc.Test[1]}
	}
	return nil
}
