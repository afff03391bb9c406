package lifecycle

import (
	"context"
	"strings"
	"sync"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// pendingCreate is the container create of one service, started at the
// beginning of the services phase rather than at the service's turn.
type pendingCreate struct {
	done chan struct{} // closed when the create returned
	id   string
	err  error
}

// createsEarly reports whether service sp's container may be created
// before its dependencies run. A container that joins another's network
// namespace (network_mode service:NAME) names that container at create
// time, so it is created at its turn, once its target exists and runs.
func createsEarly(sp plan.ServicePlan) bool {
	return !strings.HasPrefix(sp.Spec.NetworkMode, "container:")
}

// createAll starts the container create of every service that
// [createsEarly] allows, all at once (each through the gate), as compose
// does: a dependency level then costs its services' starts and readiness,
// not their creates as well. A create that fails ends the up with failUp
// at once; the services phase waits for every create on bg.
//
// A container is created, not started: nothing runs before its
// dependencies meet their conditions, so depends_on keeps its meaning.
func (r *upRun) createAll(ctx context.Context, bg *sync.WaitGroup, failUp context.CancelCauseFunc) map[string]*pendingCreate {
	out := map[string]*pendingCreate{}
	for name, sp := range r.p.Services {
		if !createsEarly(sp) {
			continue
		}
		pc := &pendingCreate{done: make(chan struct{})}
		out[name] = pc
		bg.Go(func() {
			defer close(pc.done)
			r.rep.Service(name, progress.Creating, 0)
			pc.id, pc.err = r.create(ctx, sp)
			if pc.err != nil && ctx.Err() == nil {
				r.rep.Service(name, progress.Failed, 0)
				failUp(&ServiceError{Service: name, Reason: "could not be created", Err: pc.err})
			}
		})
	}
	return out
}

// containerOf returns service name's container: the one [upRun.createAll]
// made for it, else one created now. createdNow reports whether this
// call created it (so the caller reports the create's progress and failure).
func (r *upRun) containerOf(ctx context.Context, name string, sp plan.ServicePlan) (id string, createdNow bool, err error) {
	pc, ok := r.early[name]
	if !ok {
		r.rep.Service(name, progress.Creating, 0)
		id, err = r.create(ctx, sp)
		return id, true, err
	}
	select {
	case <-pc.done:
	case <-ctx.Done():
		return "", false, context.Cause(ctx)
	}
	if pc.err != nil {
		return "", false, context.Cause(ctx) // failUp was called with it
	}
	return pc.id, false, nil
}
