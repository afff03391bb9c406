package lifecycle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/progress"
)

func TestUpLevelsInOrderParallelWithinLevel(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-levels",
		svc("a", nil), svc("b", nil),
		svc("c", map[string]compose.Condition{"a": compose.ServiceStarted, "b": compose.ServiceStarted}))
	require.Equal(t, [][]string{{"a", "b"}, {"c"}}, p.Levels)
	block := e.Block(engine.OpContainerStart)
	rec := newRecorder()
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec, Log: itest.Logger(t)})

	// Both services of level 0 are starting at the same time; level 1
	// is created (every container is created first) but not started.
	require.NoError(t, block.WaitHeld(t.Context(), 2))
	assert.Equal(t, 3, e.Calls(engine.OpContainerCreate))
	assert.True(t, hasContainer(t, e, "env-levels", "c"))
	assert.False(t, hasStarted(t, e, "env-levels", "c"))
	block.Release()

	require.NoError(t, result(t, done))
	assert.Less(t, rec.index("a starting"), rec.index("c starting"))
	assert.Less(t, rec.index("b starting"), rec.index("c starting"))
	assert.Less(t, rec.index("c creating"), rec.index("a ready"), "c was created before its dependencies were ready")
	st, err := lifecycle.Status(t.Context(), e, "env-levels")
	require.NoError(t, err)
	ok, why := st.Healthy(p)
	assert.True(t, ok, why)
	require.Len(t, st.Services, 3)
	assert.Equal(t, "env-levels-a-1", st.Services[0].Name)
}

func TestUpServiceHealthyWaitsForHealth(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-health", healthy(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	rec := newRecorder()
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec, Log: itest.Logger(t)})

	db := containerOf(t, e, "env-health", "db")
	rec.wait(t, "db waiting")
	assert.False(t, hasStarted(t, e, "env-health", "api"), "api waits for db to be healthy")
	require.NoError(t, e.SetHealth(db, "healthy"))

	require.NoError(t, result(t, done))
	assert.True(t, hasContainer(t, e, "env-health", "api"))
}

func TestUpDependencyThatDiesFailsFastAndTearsDown(t *testing.T) {
	e := newFake(t, instant())
	db := healthy(svc("db", nil))
	db.Mounts = []engine.Mount{{Type: "volume", Source: "data", Target: "/data"}}
	p := planOf(t, "env-dies", db, svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	done := upAsync(t, e, p, lifecycle.UpOptions{Log: itest.Logger(t), PollInterval: time.Hour})

	id := containerOf(t, e, "env-dies", "db")
	require.NoError(t, e.AppendLog(id, "FATAL: disk full"))
	var crashed time.Time
	require.Eventually(t, func() bool { crashed = time.Now(); return e.Exit(id, 3) == nil }, 5*time.Second, time.Millisecond)

	err := result(t, done)
	took := time.Since(crashed)
	require.Error(t, err)
	assert.Less(t, took, 2*time.Second, "the die event fails the up at once (polling is off)")
	se, ok := errors.AsType[*lifecycle.ServiceError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "db", se.Service)
	assert.Equal(t, "exited with code 3", se.Reason)
	assert.Contains(t, se.Logs, "FATAL: disk full")
	assert.Contains(t, err.Error(), "FATAL: disk full")
	assert.False(t, hasContainer(t, e, "env-dies", "api"))
	requireEnvGone(t, e, "env-dies")
}

func TestUpUnhealthyFailsAndTearsDown(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-sick", healthy(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	rec := newRecorder()
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec, PollInterval: time.Hour})

	db := containerOf(t, e, "env-sick", "db")
	rec.wait(t, "db waiting")
	require.NoError(t, e.SetHealth(db, "unhealthy"))

	err := result(t, done)
	se, ok := errors.AsType[*lifecycle.ServiceError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "db", se.Service)
	assert.Equal(t, "turned unhealthy", se.Reason)
	assert.Contains(t, err.Error(), "up environment env-sick: service db turned unhealthy")
	rec.wait(t, "db failed")
	requireEnvGone(t, e, "env-sick")
}

func TestUpWaitTimeout(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-slow", healthy(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	start := time.Now()
	err := lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{WaitTimeout: 300 * time.Millisecond})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	te, ok := errors.AsType[*lifecycle.TimeoutError](err)
	require.True(t, ok, "%v", err)
	require.Len(t, te.Pending, 2)
	assert.Equal(t, lifecycle.Pending{Service: "api", State: "not created", Waits: "for its dependencies"}, te.Pending[0])
	assert.Equal(t, "db", te.Pending[1].Service)
	assert.Equal(t, "running", te.Pending[1].State)
	assert.Equal(t, "starting", te.Pending[1].Health)
	assert.Equal(t, "db", te.Service)
	assert.Contains(t, err.Error(), "environment not ready: service db was not ready 300ms after it started")
	assert.Contains(t, err.Error(), "service db (running, starting) waits to be healthy")
	requireEnvGone(t, e, "env-slow")
}

// queuedCreate is an engine whose creates wait before they reach the fake
// daemon: a create queued behind other runners' calls in the gate.
type queuedCreate struct {
	*fake.Engine
	queued time.Duration
}

func (q *queuedCreate) ContainerCreate(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	t := time.NewTimer(q.queued)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C: // the queue moved
	}
	return q.Engine.ContainerCreate(ctx, spec)
}

// TestUpWaitTimeoutCountsFromEachStart: time a service spends before its
// container starts — here each create waits 3x the wait timeout in a
// moving queue — does not count against the wait timeout, which bounds
// only how long a started service takes to be ready.
func TestUpWaitTimeoutCountsFromEachStart(t *testing.T) {
	e := &queuedCreate{Engine: newFake(t, instant()), queued: 300 * time.Millisecond}
	p := planOf(t, "env-queued", svc("db", nil),
		svc("api", map[string]compose.Condition{"db": compose.ServiceStarted}))
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{WaitTimeout: 100 * time.Millisecond}))
}

func TestUpFallsBackToInspectionWithoutEvents(t *testing.T) {
	e := newFake(t)
	e.FailNext(engine.OpEvents, engine.ErrUnavailable)
	p := planOf(t, "env-noevents", healthy(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	done := upAsync(t, e, p, lifecycle.UpOptions{Log: itest.Logger(t), PollInterval: 20 * time.Millisecond})

	db := containerOf(t, e, "env-noevents", "db")
	require.Eventually(t, func() bool { return e.SetHealth(db, "healthy") == nil }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, result(t, done))
	assert.True(t, hasContainer(t, e, "env-noevents", "api"))
}

func TestUpCompletedSuccessfully(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-job", svc("migrate", nil),
		svc("app", map[string]compose.Condition{"migrate": compose.ServiceCompletedSuccessfully}))
	rec := newRecorder()
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec})
	job := containerOf(t, e, "env-job", "migrate")
	rec.wait(t, "migrate waiting")
	assert.False(t, hasStarted(t, e, "env-job", "app"))
	require.NoError(t, e.Exit(job, 0))
	require.NoError(t, result(t, done))

	st, err := lifecycle.Status(t.Context(), e, "env-job")
	require.NoError(t, err)
	ok, why := st.Healthy(p)
	assert.True(t, ok, "a job that exited 0 is fine: %s", why)
}

func TestUpJobThatFailsFailsTheUp(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-jobfail", svc("migrate", nil),
		svc("app", map[string]compose.Condition{"migrate": compose.ServiceCompletedSuccessfully}))
	done := upAsync(t, e, p, lifecycle.UpOptions{})
	job := containerOf(t, e, "env-jobfail", "migrate")
	require.Eventually(t, func() bool { return e.Exit(job, 1) == nil }, 5*time.Second, time.Millisecond)
	err := result(t, done)
	assert.ErrorContains(t, err, "service migrate exited with code 1")
	requireEnvGone(t, e, "env-jobfail")
}

func TestUpCreateFailureTearsDown(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-nocreate", svc("a", nil), svc("b", map[string]compose.Condition{"a": compose.ServiceStarted}))
	p.Services["b"] = withImage(p.Services["b"], "missing:1")
	err := lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{})
	se, ok := errors.AsType[*lifecycle.ServiceError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "b", se.Service)
	assert.ErrorIs(t, err, engine.ErrNotFound)
	requireEnvGone(t, e, "env-nocreate")
}

func TestUpRefusesForeignVolume(t *testing.T) {
	e := newFake(t)
	_, err := e.VolumeCreate(t.Context(), engine.VolumeSpec{Name: "env-vol_data"})
	require.NoError(t, err)
	p := planOf(t, "env-vol", svc("a", nil))
	err = lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{})
	require.ErrorIs(t, err, lifecycle.ErrNotOwned)
	assert.Contains(t, err.Error(), "create volume env-vol_data: it exists and belongs to no berth environment")
	vs, err := e.VolumeList(t.Context(), engine.ListFilter{})
	require.NoError(t, err)
	assert.Len(t, vs, 1, "the foreign volume is left alone")
}

func TestUpReusesItsOwnLeftovers(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-again", svc("a", nil))
	// An earlier up was interrupted after creating the network, the
	// volume and the container.
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))
	id := containerOf(t, e, "env-again", "a")
	require.NoError(t, e.ContainerStop(t.Context(), id, engine.StopOptions{}))

	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{Log: itest.Logger(t)}))
	c, err := e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	assert.True(t, c.State.Running, "the same container is started again")
	assert.Equal(t, 1, e.Calls(engine.OpNetworkCreate))
}

func TestUpReportsProgress(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-progress", svc("a", nil))
	rec := newRecorder()
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{Progress: rec}))
	assert.Equal(t, []string{"a creating", "a starting", "a ready"}, rec.all())
	var _ progress.Reporter = rec
}

func TestUpLabelsEverything(t *testing.T) {
	e := newFake(t)
	p := planOf(t, "env-labels", svc("a", nil))
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))
	ns, err := e.NetworkList(t.Context(), engine.ListFilter{Labels: map[string]string{labels.Env: "env-labels"}})
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, "env-labels_default", ns[0].Name)
	vs, err := e.VolumeList(t.Context(), engine.ListFilter{Labels: map[string]string{labels.Env: "env-labels"}})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "data", vs[0].Labels[labels.ComposeVolume])
}

func TestUpOOMKillFails(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-oom", healthy(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	done := upAsync(t, e, p, lifecycle.UpOptions{PollInterval: time.Hour})
	db := containerOf(t, e, "env-oom", "db")
	require.Eventually(t, func() bool { return e.OOMKill(db) == nil }, 5*time.Second, time.Millisecond)
	err := result(t, done)
	assert.ErrorContains(t, err, "service db was killed by the kernel for lack of memory (OOM)")
	requireEnvGone(t, e, "env-oom")
}

func TestUpCancelledTearsDown(t *testing.T) {
	e := newFake(t, instant())
	p := planOf(t, "env-cancel", healthy(svc("db", nil)))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- lifecycle.Up(ctx, e, p, lifecycle.UpOptions{}) }()
	containerOf(t, e, "env-cancel", "db")
	cancel()
	err := result(t, done)
	assert.ErrorIs(t, err, context.Canceled)
	requireEnvGone(t, e, "env-cancel")
}
