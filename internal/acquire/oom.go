package acquire

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/memory"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// oomReplay bounds the replay of a failed container's past events.
const oomReplay = time.Second

// noteOOM records, for `berth stats`, a service that an [lifecycle.Up]
// failed on because the kernel OOM-killed it (nobody else saw it: the
// failed up removed the container), and adds its memory limit and a
// remedy to the error. Any other error is returned as it is.
func (a *Acquirer) noteOOM(ctx context.Context, r *resolve.Env, err error) error {
	var se *lifecycle.ServiceError
	if !errors.As(err, &se) || !a.wasOOM(ctx, r.ID(), se) {
		return err
	}
	limit := r.Plan.Services[se.Service].Spec.MemoryLimit
	bctx := context.WithoutCancel(ctx)
	if !a.oomRecorded(bctx, r.ID(), se) {
		ev := store.EventRecord{Time: a.Clock.Now(), EnvID: r.ID(), Service: se.Service, Container: se.ContainerID,
			Action: "oom", ExitCode: 137, OOMKilled: true, MemoryLimit: limit}
		if rerr := a.Store.RecordEvent(bctx, ev); rerr != nil {
			a.Log.Warn("record OOM kill", "service", se.Service, "err", rerr)
		}
	}
	if limit <= 0 {
		return fmt.Errorf("%w\nservice %s was OOM-killed without a memory limit of its own: the host ran out of memory", err, se.Service)
	}
	return fmt.Errorf("%w\nservice %s was OOM-killed at its memory limit of %s: raise its mem_limit (or x-berth.memory) or make it use less",
		err, se.Service, memory.Bytes(limit))
}

// wasOOM reports whether the service se names was OOM-killed. lifecycle's
// reason for an OOM kill ends in "(OOM)"; but the daemon may report the
// container exited (code 137) a moment before it flags the OOM kill, so
// for a 137 the daemon's recorded events of that container are replayed
// (briefly) to look for its "oom".
func (a *Acquirer) wasOOM(ctx context.Context, envID string, se *lifecycle.ServiceError) bool {
	if strings.Contains(se.Reason, "(OOM)") {
		return true
	}
	if !strings.Contains(se.Reason, "code 137") || se.ContainerID == "" {
		return false
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oomReplay)
	defer cancel()
	evc, errc := a.Engine.Events(rctx, engine.EventFilter{Types: []string{"container"},
		Labels: map[string]string{labels.Env: envID}, Since: a.Clock.Now().Add(-time.Hour)})
	for {
		select {
		case ev, ok := <-evc:
			if !ok {
				return false
			}
			if ev.Action == "oom" && engine.SameContainer(ev.ActorID, se.ContainerID) {
				return true
			}
		case <-errc:
			errc = nil // the event channel closes next
		}
	}
}

// oomRecorded reports whether the event watcher that ran during the up
// already recorded this container's OOM kill (it has stopped by now).
func (a *Acquirer) oomRecorded(ctx context.Context, envID string, se *lifecycle.ServiceError) bool {
	evs, err := a.Store.ServiceEvents(ctx, envID, se.Service, time.Time{})
	if err != nil {
		return false
	}
	return slices.ContainsFunc(evs, func(e store.EventRecord) bool {
		return e.Action == "oom" && engine.SameContainer(e.Container, se.ContainerID)
	})
}
