package fake

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
)

// historySize is how many past events Events can replay for Since.
const historySize = 1024

// bus fans events out to subscribers without ever blocking the publisher:
// each subscriber has an unbounded queue drained by its own goroutine.
type bus struct {
	mu      sync.Mutex
	subs    map[*sub]struct{}
	history []engine.Event
}

type sub struct {
	f      engine.EventFilter
	mu     sync.Mutex
	queue  []engine.Event
	notify chan struct{} // capacity 1: "the queue may have grown"
}

// Events streams events matching f until ctx ends; then the error channel
// receives ctx's error and both channels close. A non-zero f.Since first
// replays the matching events of the recent history at or after Since.
// A non-zero f.Until replays the history from Since to Until only, then
// closes both channels (with no error unless ctx ended first).
func (e *Engine) Events(ctx context.Context, f engine.EventFilter) (<-chan engine.Event, <-chan error) {
	out := make(chan engine.Event)
	errc := make(chan error, 1)
	if err := e.begin(ctx, engine.OpEvents); err != nil {
		errc <- err
		close(errc)
		close(out)
		return out, errc
	}
	if !f.Until.IsZero() {
		go e.bus.replay(ctx, f, out, errc)
		return out, errc
	}
	s := &sub{f: f, notify: make(chan struct{}, 1)}
	e.bus.mu.Lock()
	if e.bus.subs == nil {
		e.bus.subs = map[*sub]struct{}{}
	}
	if !f.Since.IsZero() {
		for _, ev := range e.bus.history {
			if !ev.Time.Before(f.Since) {
				s.push(ev)
			}
		}
	}
	e.bus.subs[s] = struct{}{}
	e.bus.mu.Unlock()
	go func() {
		defer close(out)
		defer close(errc)
		defer func() {
			e.bus.mu.Lock()
			delete(e.bus.subs, s)
			e.bus.mu.Unlock()
		}()
		for {
			for _, ev := range s.take() {
				select {
				case out <- ev:
				case <-ctx.Done():
					errc <- engine.Wrap(engine.OpEvents, nil, ctx.Err())
					return
				}
			}
			select {
			case <-s.notify:
			case <-ctx.Done():
				errc <- engine.Wrap(engine.OpEvents, nil, ctx.Err())
				return
			}
		}
	}()
	return out, errc
}

// replay sends the history's events matching f between f.Since and
// f.Until, then closes out and errc.
func (b *bus) replay(ctx context.Context, f engine.EventFilter, out chan<- engine.Event, errc chan<- error) {
	defer close(errc)
	defer close(out)
	s := &sub{f: f, notify: make(chan struct{}, 1)}
	b.mu.Lock()
	for _, ev := range b.history {
		if !ev.Time.Before(f.Since) && !ev.Time.After(f.Until) {
			s.push(ev)
		}
	}
	b.mu.Unlock()
	for _, ev := range s.take() {
		select {
		case out <- ev:
		case <-ctx.Done():
			errc <- engine.Wrap(engine.OpEvents, nil, ctx.Err())
			return
		}
	}
}

// forget drops the history, as a daemon that restarts loses its events.
func (b *bus) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.history = nil
}

// publish records ev and queues it for every matching subscriber.
func (b *bus) publish(ev engine.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.history = append(b.history, ev)
	if len(b.history) > historySize {
		b.history = slices.Clone(b.history[len(b.history)-historySize:])
	}
	for s := range b.subs {
		s.push(ev)
	}
}

// push queues ev if it matches the subscriber's filter.
func (s *sub) push(ev engine.Event) {
	if len(s.f.Types) > 0 && !slices.Contains(s.f.Types, ev.Type) {
		return
	}
	if !matchLabels(ev.Attributes, s.f.Labels) {
		return
	}
	ev.Attributes = maps.Clone(ev.Attributes)
	s.mu.Lock()
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *sub) take() []engine.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// emit publishes an event stamped with the engine's clock. attrs is owned
// by the event afterwards.
func (e *Engine) emit(typ, action, actor string, attrs map[string]string) {
	e.bus.publish(engine.Event{Type: typ, Action: action, ActorID: actor, Attributes: attrs, Time: e.now()})
}
