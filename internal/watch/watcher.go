package watch

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// Reopen backoff of a broken event stream.
const (
	reopenInitial = 100 * time.Millisecond
	reopenMax     = 5 * time.Second
)

// Watcher records the events of one environment's containers until closed.
type Watcher struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start subscribes to the container events carrying label
// dev.berth.env=envID and records them in db until ctx ends or
// [Watcher.Close] is called. It returns at once; the subscription starts
// from the time of the call (the daemon replays what happened since), so
// a container started right after Start is seen from its first event.
// A stream that breaks is reopened from the last event seen, with
// jittered exponential backoff (100 ms up to 5 s). Failures are logged to
// log (nil: not logged), never fatal.
//
// What is recorded, as [store.EventRecord] Actions:
//   - "die": the container exited without a stop or kill request (a crash,
//     an OOM kill), with its exit code;
//   - "stop": it exited after a stop or kill request (its "kill" event);
//   - "oom": an OOM kill, OOMKilled true and MemoryLimit from
//     ContainerInspect; one per kill, also when the daemon sent no oom
//     event but the inspected state says OOMKilled;
//   - "restart": the engine restarted it on its own (a start after a
//     "die", confirmed by a grown RestartCount), also recorded as a
//     [store.RestartRecord] of Kind "engine" at the start event's time;
//     and, as sent, the daemon's "restart" events (explicit restart
//     requests, which are not engine restarts);
//   - "health_status: <status>".
//
// An empty envID watches every environment (see [StartAll]).
func Start(ctx context.Context, e engine.Engine, db Store, envID string, log *slog.Logger) *Watcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &Watcher{cancel: cancel, done: make(chan struct{})}
	r := &recorder{e: e, db: db, envID: envID, log: log, containers: map[string]*containerState{}}
	since := time.Now()
	go func() {
		defer close(w.done)
		r.run(ctx, since)
	}()
	return w
}

// StartAll is [Start] for the containers of every berth environment of
// the daemon (label dev.berth.env with any value), each event recorded
// under the environment its container's label names. berth serve watches
// this way for as long as it runs. onBreak (nil: none) is called each time
// the stream breaks, before it is reopened: a daemon that restarts between
// two of serve's pings breaks it.
func StartAll(ctx context.Context, e engine.Engine, db Store, log *slog.Logger, onBreak func()) *Watcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &Watcher{cancel: cancel, done: make(chan struct{})}
	r := &recorder{e: e, db: db, log: log, containers: map[string]*containerState{}, onBreak: onBreak}
	since := time.Now()
	go func() {
		defer close(w.done)
		r.run(ctx, since)
	}()
	return w
}

// Close stops the watcher and waits until it has stopped. It may be
// called more than once; it always returns nil (failures while watching
// are logged, not returned).
func (w *Watcher) Close() error {
	w.cancel()
	<-w.done
	return nil
}

// run streams events from since, reopening a broken stream, until ctx ends.
func (r *recorder) run(ctx context.Context, since time.Time) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = reopenInitial, reopenMax
	bo.Reset()
	var last engine.Event // the last event handled; replays skip up to it
	for {
		f := engine.EventFilter{Types: []string{"container"}, Labels: map[string]string{labels.Env: r.envID}, Since: since}
		events, errc := r.e.Events(ctx, f)
		got := false
		for ev := range events {
			if !after(ev, last) {
				continue
			}
			got = true
			r.handle(ctx, ev)
			last, since = ev, ev.Time
		}
		err := <-errc
		if ctx.Err() != nil {
			return
		}
		if got {
			bo.Reset()
		}
		if r.onBreak != nil {
			r.onBreak()
		}
		wait := bo.NextBackOff()
		r.log.Warn("container event stream broke; reopening", "env", r.envID, "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return
		}
	}
}

// after reports whether ev comes after last in the stream: later, or at
// the same time but a different event. (A reopened stream replays from the
// time of the last event seen, inclusive.)
func after(ev, last engine.Event) bool {
	if last.Time.IsZero() || ev.Time.After(last.Time) {
		return true
	}
	return ev.Time.Equal(last.Time) && (ev.ActorID != last.ActorID || ev.Action != last.Action)
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// canceled reports whether err is a context's end rather than a failure.
func canceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
