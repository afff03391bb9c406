package berth_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/lock"
)

// A healthy shared environment is leased as it is: no second create.
func TestAcquireReusesAHealthySharedEnvironment(t *testing.T) {
	r := newRig(t)
	m := r.open()
	first := r.acquire(m, r.options())
	assert.False(t, first.Reused)
	require.Equal(t, 2, r.creates(), "one container per service")
	addr, err := first.Endpoint("api", 8080)
	require.NoError(t, err)
	assert.Regexp(t, `:\d+$`, addr)

	second := r.acquire(m, r.options())
	assert.True(t, second.Reused)
	assert.Equal(t, first.ID, second.ID)
	assert.NotEqual(t, first.LeaseID, second.LeaseID)
	assert.Equal(t, 2, r.creates(), "reuse creates nothing")
}

// A broken environment nobody holds is torn down and created again.
func TestAcquireRecreatesABrokenUnusedEnvironment(t *testing.T) {
	r := newRig(t)
	m := r.open()
	env := r.acquire(m, r.options())
	require.NoError(t, m.Release(t.Context(), env.LeaseID, berth.ReleaseOptions{Keep: true}))
	old := r.container(env.ID, "db")
	require.NoError(t, r.eng.Exit(old, 1))

	again := r.acquire(m, r.options())
	assert.False(t, again.Reused)
	assert.Equal(t, env.ID, again.ID)
	assert.Equal(t, 4, r.creates(), "both services created again")
	assert.NotEqual(t, old, r.container(env.ID, "db"), "the exited container is gone")
}

// A teardown killed midway (a CI job timed out during berth down) leaves
// its record marked tearing down and its containers running and healthy
// while the daemon still works through the stops it was asked for. The
// next acquirer must not reuse them: it finishes the teardown and creates
// a fresh copy.
func TestAcquireFinishesATeardownItsProcessLeft(t *testing.T) {
	r := newRig(t)
	m := r.open()
	env := r.acquire(m, r.options())
	require.NoError(t, m.Release(t.Context(), env.LeaseID, berth.ReleaseOptions{Keep: true}))
	old := r.container(env.ID, "db")
	require.NoError(t, berth.MarkTearingDown(t.Context(), m, env.ID))

	again := r.acquire(m, r.options())
	assert.False(t, again.Reused, "a dying environment is never handed out")
	assert.Equal(t, env.ID, again.ID)
	assert.Equal(t, 4, r.creates(), "both services created again")
	assert.NotEqual(t, old, r.container(env.ID, "db"), "the old container went with the finished teardown")
}

// An environment others hold is never recreated: a service that exited
// will not recover by itself, so acquire refuses at once and creates
// nothing.
func TestAcquireNeverRecreatesUnderLiveLeases(t *testing.T) {
	r := newRig(t)
	m := r.open()
	held := r.acquire(m, r.options())
	db := r.container(held.ID, "db")
	require.NoError(t, r.eng.Exit(db, 1))

	_, err := m.Acquire(t.Context(), r.options())
	var nr *berth.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Contains(t, err.Error(), "in use by 1 live lease(s) and not healthy: service db is exited (code 1)")
	assert.Contains(t, err.Error(), "berth restart SERVICE")
	assert.Equal(t, 2, r.creates(), "nothing created")
	assert.Equal(t, db, r.container(held.ID, "db"), "the holder's container is left alone")
}

// An environment in use that is only unhealthy (its services run) is
// waited for: if it recovers within the wait timeout it is reused, else
// acquire gives up with the reason, after exactly the wait timeout of the
// clock's time, and creates nothing either way.
func TestAcquireWaitsForAnEnvironmentInUseToRecover(t *testing.T) {
	r := newRig(t, "BERTH_WAIT_TIMEOUT", "10s")
	m := r.open()
	held := r.acquire(m, r.options())
	db := r.container(held.ID, "db")

	require.NoError(t, r.eng.SetHealth(db, "unhealthy"))
	start := r.clk.Now()
	_, err := m.Acquire(t.Context(), r.options())
	require.ErrorAs(t, err, new(*berth.NotReadyError))
	assert.Contains(t, err.Error(), "in use by 1 live lease(s) and not healthy: service db is unhealthy")
	waited := r.clk.Now().Sub(start)
	assert.True(t, waited > 10*time.Second && waited <= 10*time.Second+time.Second, "waited %s of clock time", waited)

	// Recovery during the wait: db turns healthy once acquire has waited
	// 3 s of the clock's time.
	require.NoError(t, r.eng.SetHealth(db, "unhealthy"))
	recover := r.clk.Now().Add(3 * time.Second)
	stop := r.clk.At(recover, func() { assert.NoError(t, r.eng.SetHealth(db, "healthy")) })
	defer stop()
	env, err := m.Acquire(t.Context(), r.options())
	require.NoError(t, err)
	assert.True(t, env.Reused)
	assert.False(t, r.clk.Now().Before(recover))
	assert.Equal(t, 2, r.creates())
}

// The store lost (deleted while the environment ran): the next acquire
// finds the environment by its labels and adopts it instead of creating
// a second copy.
func TestAcquireAdoptsByLabelsAfterTheStoreIsLost(t *testing.T) {
	r := newRig(t)
	m := r.open()
	env := r.acquire(m, r.options())
	require.NoError(t, env.Release(t.Context()))
	require.NoError(t, m.Close())
	dbs, err := filepath.Glob(filepath.Join(r.env["BERTH_STATE_DIR"], "berth.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, dbs)
	for _, f := range dbs {
		require.NoError(t, os.Remove(f))
	}

	m = r.open()
	_, err = m.Env(t.Context(), env.ID)
	require.True(t, errors.Is(err, berth.ErrNoSuchEnv), "the new store does not know it: %v", err)
	again := r.acquire(m, r.options())
	assert.True(t, again.Reused)
	assert.Equal(t, env.ID, again.ID)
	assert.Equal(t, 2, r.creates(), "adopted, not created again")
	info, err := m.Env(t.Context(), env.ID)
	require.NoError(t, err)
	assert.Equal(t, "ready", string(info.State))
	assert.NotEmpty(t, info.Endpoints["BERTH_API_PORT_8080"], "endpoints recomputed from the running containers")
}

// arrivalsOf records the operation arrival ([lock.Arrival]) each container
// create and start carries.
type arrivalsOf struct {
	*fake.Engine
	mu   sync.Mutex
	seen []time.Time
}

func (a *arrivalsOf) note(ctx context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, lock.Arrival(ctx))
}

func (a *arrivalsOf) ContainerCreate(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	a.note(ctx)
	return a.Engine.ContainerCreate(ctx, spec)
}

func (a *arrivalsOf) ContainerStart(ctx context.Context, id string) error {
	a.note(ctx)
	return a.Engine.ContainerStart(ctx, id)
}

// TestAcquireCallsCarryItsArrival: every create and start an acquisition
// makes carries the moment it began (the rig's fake clock, not the wall
// clock a call outside any operation carries), so the gate's line serves
// an earlier acquisition's calls before a later one's.
func TestAcquireCallsCarryItsArrival(t *testing.T) {
	r := newRig(t)
	rec := &arrivalsOf{Engine: r.eng}
	m, err := berth.OpenWith(func(k string) string { return r.env[k] }, rec, r.clk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	r.acquire(m, r.options())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.seen, 4, "two creates and two starts")
	for _, at := range rec.seen {
		require.Equal(t, t0, at)
	}
}
