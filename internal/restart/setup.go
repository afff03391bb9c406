package restart

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/resolve"
)

// Setup decides the restart policy and service's plan for a restart of an
// environment named directly. When req names compose files, they supply
// x-berth.restart, which services exist and which declare a health check
// (an unknown service is an [*failure.InputError], before any Docker
// call); otherwise the environment variables and defaults apply and the
// service's plan is just its name.
func Setup(ctx context.Context, res resolve.Resolver, req resolve.Request, service string) (policy.RestartPolicy, plan.ServicePlan, error) {
	sp := plan.ServicePlan{Name: service}
	if len(req.Files) == 0 && req.ProjectName == "" && req.WorkingDir == "" {
		pol, err := res.RestartPolicy(nil)
		return pol, sp, err
	}
	e, err := res.Shared(ctx, req)
	if err != nil {
		return policy.RestartPolicy{}, sp, err
	}
	sp, ok := e.Plan.Services[service]
	if !ok {
		return e.Restart, sp, failure.Input(fmt.Errorf("restart: no service %q in project %s (services: %s)",
			service, e.Project.Name, strings.Join(slices.Sorted(maps.Keys(e.Plan.Services)), ", ")))
	}
	return e.Restart, sp, nil
}
