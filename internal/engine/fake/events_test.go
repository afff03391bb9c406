package fake_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

func TestEventsOfAContainerLifeWithNetworks(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	evs, _ := e.Events(ctx, engine.EventFilter{})
	nid, err := e.NetworkCreate(ctx, engine.NetworkSpec{Name: "n"})
	require.NoError(t, err)
	id := run(t, e, engine.ContainerSpec{Networks: []engine.EndpointSpec{{Network: "n"}}})
	require.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{}))
	require.NoError(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{}))
	require.NoError(t, e.NetworkRemove(ctx, nid))
	assert.Equal(t, []string{
		"network create", "container create", "network connect", "container start",
		"container kill", "container die", "network disconnect", "container stop",
		"container destroy", "network destroy",
	}, typedActions(t, evs, 10))
}

func TestEventsFilterByTypeAndLabel(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	mine, _ := e.Events(ctx, engine.EventFilter{Types: []string{"container"}, Labels: map[string]string{"env": "a"}})
	keyOnly, _ := e.Events(ctx, engine.EventFilter{Labels: map[string]string{"env": ""}})
	_, err := e.VolumeCreate(ctx, engine.VolumeSpec{Name: "v", Labels: map[string]string{"env": "a"}})
	require.NoError(t, err)
	other := run(t, e, engine.ContainerSpec{Labels: map[string]string{"env": "b"}})
	id := run(t, e, engine.ContainerSpec{Labels: map[string]string{"env": "a"}})
	require.NoError(t, e.Exit(id, 2))

	got := collect(t, mine, 3)
	for _, ev := range got {
		assert.Equal(t, id, ev.ActorID)
		assert.Equal(t, "a", ev.Attributes["env"])
	}
	assert.Equal(t, "2", got[2].Attributes["exitCode"])
	ids := map[string]bool{}
	for _, ev := range collect(t, keyOnly, 5) {
		ids[ev.ActorID] = true
	}
	assert.Equal(t, map[string]bool{other: true, id: true}, ids, "volume events carry no labels; both containers match the key")
}

func TestEventsSinceReplaysHistory(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	e := fake.New(fake.WithClock(clock))
	_, err := e.VolumeCreate(t.Context(), engine.VolumeSpec{Name: "early"})
	require.NoError(t, err)
	evs, _ := e.Events(t.Context(), engine.EventFilter{Since: now})
	got := collect(t, evs, 1)
	assert.Equal(t, "early", got[0].ActorID)
	assert.Equal(t, now, got[0].Time)
	none, _ := e.Events(t.Context(), engine.EventFilter{Since: now.Add(time.Second)})
	select {
	case ev := <-none:
		t.Fatalf("replayed an event before Since: %+v", ev)
	default:
	}
}

func TestEventsEndWithContext(t *testing.T) {
	e := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	evs, errc := e.Events(ctx, engine.EventFilter{})
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	_, ok := <-evs
	assert.False(t, ok)
}

func collect(t *testing.T, evs <-chan engine.Event, n int) []engine.Event {
	t.Helper()
	var out []engine.Event
	timeout := time.After(10 * time.Second)
	for len(out) < n {
		select {
		case ev := <-evs:
			out = append(out, ev)
		case <-timeout:
			require.FailNow(t, "too few events", "got %+v", out)
		}
	}
	return out
}

func typedActions(t *testing.T, evs <-chan engine.Event, n int) []string {
	t.Helper()
	var out []string
	for _, ev := range collect(t, evs, n) {
		out = append(out, ev.Type+" "+ev.Action)
	}
	return out
}
