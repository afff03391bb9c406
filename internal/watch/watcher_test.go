package watch

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

const fakeImage = "testsvc:latest"

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "berth.db"))
	if db != nil {
		t.Cleanup(func() { require.NoError(t, db.Close()) })
	}
	require.NoError(t, err)
	return db
}

func newFake(t *testing.T) *fake.Engine {
	t.Helper()
	e := fake.New()
	require.NoError(t, e.ImageImport(t.Context(), strings.NewReader("rootfs"), fakeImage, nil))
	return e
}

// runService creates and starts a container of service in env.
func runService(t *testing.T, e engine.Engine, env, service string, spec engine.ContainerSpec) string {
	t.Helper()
	spec.Image = fakeImage
	spec.Labels = map[string]string{labels.Env: env, labels.ComposeService: service}
	id, err := e.ContainerCreate(t.Context(), spec)
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(t.Context(), id))
	return id
}

// watch starts a watcher and closes it when the test ends.
func watch(t *testing.T, e engine.Engine, db *sqlite.Store, env string) *Watcher {
	w := Start(t.Context(), e, db, env, slog.New(slog.NewTextHandler(t.Output(), nil)))
	t.Cleanup(func() { require.NoError(t, w.Close()) })
	return w
}

// eventually waits until the store holds an event with action for
// container id, and returns all event records.
func eventually(t *testing.T, db *sqlite.Store, id, action string) []store.EventRecord {
	t.Helper()
	var evs []store.EventRecord
	require.Eventually(t, func() bool {
		var err error
		evs, err = db.EventsSince(context.Background(), time.Time{})
		require.NoError(t, err)
		return slices.ContainsFunc(evs, func(r store.EventRecord) bool { return r.Container == id && r.Action == action })
	}, 10*time.Second, 5*time.Millisecond, "no %s event of %s recorded", action, id)
	return evs
}

// brief is the part of an event record the tests compare.
type brief struct {
	Service, Action string
	ExitCode        int
	OOMKilled       bool
	MemoryLimit     int64
}

func briefs(evs []store.EventRecord) []brief {
	out := make([]brief, len(evs))
	for i, r := range evs {
		out[i] = brief{r.Service, r.Action, r.ExitCode, r.OOMKilled, r.MemoryLimit}
	}
	return out
}

func TestWatcherRecordsDeathsOOMRestartsAndHealth(t *testing.T) {
	e, db := newFake(t), openStore(t)
	ctx := t.Context()
	// Two watchers, as two berth processes would run: each event is stored once.
	watch(t, e, db, "env1")
	watch(t, e, db, "env1")

	db1 := runService(t, e, "env1", "db", engine.ContainerSpec{
		MemoryLimit: 64 << 20,
		Restart:     engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "true"}, Interval: time.Second},
	})
	web := runService(t, e, "env1", "web", engine.ContainerSpec{})
	other := runService(t, e, "env2", "db", engine.ContainerSpec{})

	require.NoError(t, e.Exit(db1, 3)) // die 3, engine restart 1
	require.NoError(t, e.OOMKill(db1)) // oom, die 137, engine restart 2
	require.NoError(t, e.SetHealth(db1, "healthy"))
	timeout := time.Duration(0)
	require.NoError(t, e.ContainerStop(ctx, web, engine.StopOptions{Timeout: &timeout}))
	require.NoError(t, e.Exit(other, 1))

	eventually(t, db, web, "stop")
	evs := eventually(t, db, db1, "health_status: healthy")
	assert.Equal(t, []brief{
		{Service: "db", Action: "die", ExitCode: 3},
		{Service: "db", Action: "restart"},
		{Service: "db", Action: "oom", OOMKilled: true, MemoryLimit: 64 << 20},
		{Service: "db", Action: "die", ExitCode: 137},
		{Service: "db", Action: "restart"},
		{Service: "db", Action: "health_status: healthy"},
		{Service: "web", Action: "stop", ExitCode: 0},
	}, briefs(evs), "env2's container is not watched; a requested stop is no death")
	for _, r := range evs {
		assert.Equal(t, "env1", r.EnvID)
	}

	rs, err := db.AllRestarts(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	for i, r := range rs {
		assert.Equal(t, store.RestartEngine, r.Kind)
		assert.Equal(t, "db", r.Service)
		assert.Equal(t, "env1", r.EnvID)
		assert.Contains(t, r.Reason, `engine restart policy "on-failure"`)
		assert.True(t, r.Time.Equal(evs[1+3*i].Time), "the restart record has the start event's time")
	}
}

// TestWatcherRequestedStartIsNoEngineRestart checks that berth's own stop
// and start of a crashed container are not counted as the engine's.
func TestWatcherRequestedStartIsNoEngineRestart(t *testing.T) {
	e, db := newFake(t), openStore(t)
	watch(t, e, db, "env1")
	id := runService(t, e, "env1", "db", engine.ContainerSpec{})
	require.NoError(t, e.Exit(id, 1))
	require.NoError(t, e.ContainerStart(t.Context(), id))
	require.NoError(t, e.Exit(id, 2))
	evs := eventually(t, db, id, "die")
	require.Eventually(t, func() bool {
		evs, _ = db.EventsSince(t.Context(), time.Time{})
		return len(evs) == 2
	}, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, []brief{{Service: "db", Action: "die", ExitCode: 1}, {Service: "db", Action: "die", ExitCode: 2}}, briefs(evs))
	rs, err := db.AllRestarts(t.Context(), time.Time{})
	require.NoError(t, err)
	assert.Empty(t, rs)
}

// TestWatcherReopensABrokenStream fails the first subscription: the
// watcher reopens it and still sees what happened meanwhile.
func TestWatcherReopensABrokenStream(t *testing.T) {
	e, db := newFake(t), openStore(t)
	e.FailNext(engine.OpEvents, engine.Wrap(engine.OpEvents, engine.ErrUnavailable, errors.New("connection refused")))
	watch(t, e, db, "env1")
	id := runService(t, e, "env1", "db", engine.ContainerSpec{})
	require.NoError(t, e.Exit(id, 3))
	evs := eventually(t, db, id, "die")
	assert.Equal(t, []brief{{Service: "db", Action: "die", ExitCode: 3}}, briefs(evs))
	assert.GreaterOrEqual(t, e.Calls(engine.OpEvents), 2)
}

func TestWatcherCloseStopsAndIsIdempotent(t *testing.T) {
	e, db := newFake(t), openStore(t)
	w := Start(t.Context(), e, db, "env1", nil)
	require.NoError(t, w.Close())
	require.NoError(t, w.Close())
	select {
	case <-w.done:
	default:
		t.Fatal("Close returned before the watcher stopped")
	}
}

func TestWatchAllRecordsEveryEnvironmentUnderItsOwnID(t *testing.T) {
	e, db := newFake(t), openStore(t)
	w := StartAll(t.Context(), e, db, slog.New(slog.NewTextHandler(t.Output(), nil)), nil)
	t.Cleanup(func() { require.NoError(t, w.Close()) })
	a := runService(t, e, "env1", "db", engine.ContainerSpec{Restart: engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 1}})
	b := runService(t, e, "env2", "web", engine.ContainerSpec{MemoryLimit: 32 << 20})
	require.NoError(t, e.Exit(a, 3))
	require.NoError(t, e.OOMKill(b))
	eventually(t, db, a, "restart")
	evs := eventually(t, db, b, "oom")
	for _, r := range evs {
		want := map[string]string{a: "env1", b: "env2"}[r.Container]
		assert.Equal(t, want, r.EnvID, "%s of %s", r.Action, r.Service)
	}
	rs, err := db.AllRestarts(t.Context(), time.Time{})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "env1", rs[0].EnvID)
}
