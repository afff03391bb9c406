package docker

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// Events streams daemon events that match f until ctx ends (with
// f.Until: until the daemon has sent the past events it holds). The event
// channel is unbuffered. The error channel receives at most one error (the
// stream failing, or ctx.Err() when ctx ends) and is then closed; the event
// channel is closed at the same time.
func (e *Engine) Events(ctx context.Context, f engine.EventFilter) (<-chan engine.Event, <-chan error) {
	filters := labelFilters(f.Labels)
	for _, t := range f.Types {
		filters.Add("type", t)
	}
	opts := client.EventsListOptions{Filters: filters}
	if !f.Since.IsZero() {
		opts.Since = f.Since.UTC().Format(time.RFC3339Nano)
	}
	if !f.Until.IsZero() {
		opts.Until = f.Until.UTC().Format(time.RFC3339Nano)
		if f.Since.IsZero() { // the daemon replays past events only from a since
			opts.Since = time.Unix(1, 0).UTC().Format(time.RFC3339Nano)
		}
	}
	out := make(chan engine.Event)
	errc := make(chan error, 1)
	res := e.cli.Events(ctx, opts)
	go func() {
		defer close(errc)
		defer close(out)
		for {
			select {
			case m := <-res.Messages:
				select {
				case out <- eventFromMessage(m):
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
			case err := <-res.Err:
				if err == nil || (errors.Is(err, io.EOF) && !f.Until.IsZero()) { // the stream ended
					err = ctx.Err()
				}
				if err != nil {
					errc <- wrap(engine.OpEvents, err)
				}
				return
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
	}()
	return out, errc
}

// eventFromMessage converts one daemon event.
func eventFromMessage(m events.Message) engine.Event {
	t := time.Unix(0, m.TimeNano)
	if m.TimeNano == 0 {
		t = time.Unix(m.Time, 0)
	}
	return engine.Event{
		Type:       string(m.Type),
		Action:     string(m.Action),
		ActorID:    m.Actor.ID,
		Attributes: m.Actor.Attributes,
		Time:       t,
	}
}
