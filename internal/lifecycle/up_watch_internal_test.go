package lifecycle

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

// An inspection that an event overtook keeps the event's state but still
// marks the container inspected (with the health check the image brings,
// if no event told): otherwise a service whose start event arrived while
// Up inspected it waited for the next inspection round (a second) before
// it, or anything depending on it, counted as ready.
func TestInspectOvertakenByAnEventStillCountsAsInspected(t *testing.T) {
	ctx := t.Context()
	e := fake.New()
	require.NoError(t, e.ImageImport(ctx, bytes.NewReader(nil), "img:1", nil))
	hc := &engine.Healthcheck{Test: []string{"CMD", "true"}, Interval: time.Second}
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: "overtaken", Image: "img:1", Healthcheck: hc})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))

	w := newWatcher(e, slog.New(slog.DiscardHandler))
	w.apply(id, func(o *observed) bool { return o.fromEvent(engine.Event{Action: "start"}) }, true)
	w.eventAt[id] = time.Now().Add(time.Hour) // the event is newer than any inspection now
	require.NoError(t, w.inspect(ctx, id))

	o := *w.byID[id]
	assert.True(t, o.inspected, "the overtaken inspection still counts")
	assert.True(t, o.running, "the event's state stands")
	assert.Equal(t, "starting", o.health, "the image's health check is known from the inspection")

	w.apply(id, func(o *observed) bool { return o.fromEvent(engine.Event{Action: "health_status: healthy"}) }, true)
	w.eventAt[id] = time.Now().Add(time.Hour)
	require.NoError(t, w.inspect(ctx, id))
	assert.Equal(t, "healthy", w.byID[id].health, "a later overtaken inspection changes nothing")
}
