package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// eventTimeout bounds the wait for an expected event.
const eventTimeout = 30 * time.Second

// testEvents: with a subscription filtered by a container's labels, its
// start and then its die (with the exit code) arrive; cancelling the
// context ends the stream.
func (s *suite) testEvents(t *testing.T, ctx context.Context) {
	spec := s.spec()
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	// Since covers the gap between subscribing and the stream being live.
	evs, errc := s.e.Events(sub, engine.EventFilter{
		Types: []string{"container"}, Labels: spec.Labels, Since: time.Now().Add(-time.Second),
	})
	id := s.create(t, ctx, spec)
	require.NoError(t, s.e.ContainerStart(ctx, id))
	start := s.nextEvent(t, evs, errc, "start")
	assert.Equal(t, id, start.ActorID)
	assert.Equal(t, spec.Labels[caseKey], start.Attributes[caseKey], "labels are attributes")
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Signal: "SIGKILL"}))
	die := s.nextEvent(t, evs, errc, "die")
	assert.Equal(t, id, die.ActorID)
	assert.Equal(t, "137", die.Attributes["exitCode"])

	cancel()
	deadline := time.After(eventTimeout)
	for evs != nil {
		select {
		case _, ok := <-evs:
			if !ok {
				evs = nil
			}
		case <-deadline:
			require.FailNow(t, "event stream still open after cancel")
		}
	}
}

// nextEvent reads events until one with action arrives, failing on a
// stream error or after eventTimeout.
func (s *suite) nextEvent(t *testing.T, evs <-chan engine.Event, errc <-chan error, action string) engine.Event {
	t.Helper()
	deadline := time.After(eventTimeout)
	for {
		select {
		case ev, ok := <-evs:
			require.True(t, ok, "event stream closed before %q", action)
			if ev.Action == action {
				return ev
			}
		case err := <-errc:
			require.FailNow(t, "event stream failed", "waiting for %q: %v", action, err)
		case <-deadline:
			require.FailNow(t, "no event", "waiting for %q", action)
		}
	}
}

// testEventsUntil: a query with Until replays the past events the daemon
// holds (a container's start and die) and then ends by itself, with no
// error.
func (s *suite) testEventsUntil(t *testing.T, ctx context.Context) {
	spec := s.spec()
	before := time.Now().Add(-time.Second)
	id := s.create(t, ctx, spec)
	require.NoError(t, s.e.ContainerStart(ctx, id))
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Signal: "SIGKILL"}))
	// A second past now: the die is stamped as the daemon saw it.
	evs, errc := s.e.Events(ctx, engine.EventFilter{Types: []string{"container"}, Labels: spec.Labels,
		Since: before, Until: time.Now().Add(time.Second)})
	var actions []string
	deadline := time.After(eventTimeout)
	for evs != nil {
		select {
		case ev, ok := <-evs:
			if !ok {
				evs = nil
				continue
			}
			assert.Equal(t, id, ev.ActorID)
			actions = append(actions, ev.Action)
		case <-deadline:
			require.FailNow(t, "past-events stream still open", "after %v", actions)
		}
	}
	require.NoError(t, <-errc)
	assert.Contains(t, actions, "start")
	assert.Contains(t, actions, "die")
}
