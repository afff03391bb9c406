package lifecycle

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// Inspection intervals of [Up]'s safety net: while the event stream works,
// and after it failed.
const (
	pollEvery    = time.Second
	pollFallback = 250 * time.Millisecond
)

// watcher keeps the observed state of an environment's containers from
// the daemon's event stream, with periodic inspection as a safety net, and
// lets callers wait for a condition over that state.
type watcher struct {
	e   engine.Engine
	log *slog.Logger

	mu      sync.Mutex
	byID    map[string]*observed
	eventAt map[string]time.Time // when an event last changed a container
	service map[string]string    // service -> container ID
	changed chan struct{}        // closed and replaced on every change

	eventsDown atomic.Bool
}

func newWatcher(e engine.Engine, log *slog.Logger) *watcher {
	return &watcher{e: e, log: log, byID: map[string]*observed{}, eventAt: map[string]time.Time{},
		service: map[string]string{}, changed: make(chan struct{})}
}

// run subscribes to the container events of envID, then follows them and
// inspects the tracked containers every poll interval until ctx ends.
// subscribed is closed once the subscription was requested.
func (w *watcher) run(ctx context.Context, envID string, poll time.Duration, subscribed chan<- struct{}) {
	f := engine.EventFilter{Types: []string{"container"}, Labels: map[string]string{labels.Env: envID},
		Since: time.Now()}
	evc, errc := w.e.Events(ctx, f)
	close(subscribed)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { w.follow(ctx, evc, errc) })
	for {
		interval := poll
		if w.eventsDown.Load() {
			interval = min(poll, pollFallback)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		w.inspectAll(ctx)
	}
}

// follow applies events until the stream ends. A stream that fails before
// ctx ends leaves the watcher on faster inspection.
func (w *watcher) follow(ctx context.Context, evc <-chan engine.Event, errc <-chan error) {
	for ev := range evc {
		w.apply(ev.ActorID, func(o *observed) bool { return o.fromEvent(ev) }, true)
	}
	if err := <-errc; err != nil && ctx.Err() == nil {
		w.eventsDown.Store(true)
		w.log.Warn("container events unavailable; inspecting instead", "every", pollFallback, "err", err)
	}
}

// apply changes the state of container id with f; when f reports a change
// the waiters wake up. fromEvent records the time for [watcher.inspect].
func (w *watcher) apply(id string, f func(*observed) bool, fromEvent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	o, ok := w.byID[id]
	if !ok {
		o = &observed{}
		w.byID[id] = o
	}
	if !f(o) {
		return
	}
	if fromEvent {
		w.eventAt[id] = time.Now()
	}
	close(w.changed)
	w.changed = make(chan struct{})
}

// track records that service's container is id.
func (w *watcher) track(service, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.service[service] = id
	if _, ok := w.byID[id]; !ok {
		w.byID[id] = &observed{}
	}
}

// markProbed records that berth's own run of container id's health check
// passed (see [prober]); once the engine said healthy it changes nothing.
func (w *watcher) markProbed(id string) {
	w.apply(id, func(o *observed) bool {
		if o.probed || o.health == "healthy" {
			return false
		}
		o.probed = true
		return true
	}, false)
}

// inspect inspects container id and applies the result, unless an event
// changed the container after the inspection began (the event is newer).
func (w *watcher) inspect(ctx context.Context, id string) error {
	began := time.Now()
	c, err := w.e.ContainerInspect(ctx, id)
	gone := errors.Is(err, engine.ErrNotFound)
	if err != nil && !gone {
		return err
	}
	w.apply(id, func(o *observed) bool { // runs with w.mu held
		if w.eventAt[id].After(began) {
			// An event is newer: its state stands. The inspection still
			// tells what no event says, whether the container has a
			// health check; without it a dependent would wait for the
			// next inspection round.
			if o.inspected {
				return false
			}
			o.inspected = true
			if o.health == "" && !gone && c.State.Health != nil {
				o.health = c.State.Health.Status
			}
			return true
		}
		before := *o
		if gone {
			o.gone, o.running = true, false
		} else {
			o.fromInspect(c)
		}
		return *o != before
	}, false)
	return nil
}

// inspectAll inspects every tracked container; failures are logged and
// left for the next round.
func (w *watcher) inspectAll(ctx context.Context) {
	w.mu.Lock()
	ids := make([]string, 0, len(w.service))
	for _, id := range w.service {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	for _, id := range ids {
		if err := w.inspect(ctx, id); err != nil && ctx.Err() == nil {
			w.log.Debug("inspect container", "id", shortID(id), "err", err)
		}
	}
}

// view is the state of the tracked services at one moment: state(service)
// reports ok false for a service not yet created.
type view func(service string) (o observed, id string, ok bool)

// await evaluates cond on every change of state until it reports done or
// an error, or ctx ends (the error is then ctx's cause).
func (w *watcher) await(ctx context.Context, cond func(view) (bool, error)) error {
	for {
		w.mu.Lock()
		ch := w.changed
		done, err := cond(w.viewLocked)
		w.mu.Unlock()
		if err != nil || done {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

func (w *watcher) viewLocked(service string) (observed, string, bool) {
	id, ok := w.service[service]
	if !ok {
		return observed{}, "", false
	}
	return *w.byID[id], id, true
}

// snapshot calls f with the state at one moment.
func (w *watcher) snapshot(f func(view)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w.viewLocked)
}
