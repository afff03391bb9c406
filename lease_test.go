package berth_test

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
)

// A lease is live while its holder holds its lock: gc keeps the
// environment whatever the clock says; once the holder dies (the lock
// dropped, as the kernel drops it on kill -9), the next gc reaps the lease
// and, with linger 0, takes the environment down.
func TestDeadHolderIsReapedLiveHolderKept(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "0")
	m := r.open()
	env := r.acquire(m, r.options())

	r.clk.Advance(time.Hour)
	rep, err := m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Empty(t, rep.ReapedLeases, "the holder holds its lock")
	assert.Empty(t, rep.TornDown)

	berth.Crash(env)
	rep, err = m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{env.LeaseID}, rep.ReapedLeases)
	assert.Equal(t, []string{env.ID}, rep.TornDown)
	cs, err := r.eng.ContainerList(t.Context(), engine.ListFilter{All: true})
	require.NoError(t, err)
	assert.Empty(t, cs)
	leases, err := filepath.Glob(filepath.Join(r.env["BERTH_STATE_DIR"], "leases", "*.lock"))
	require.NoError(t, err)
	assert.Empty(t, leases, "the dead lease's lock file went with it")
}

// A lease no process follows (berth up --ttl with no parent) lives by its
// TTL: live for 5 s of the clock, reaped after.
func TestNoHolderLeaseLivesByItsTTL(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "0")
	m := r.open()
	o := r.options()
	o.HolderPID, o.HeartbeatTTL = berth.NoHolder, 5*time.Second
	env := r.acquire(m, o)
	t.Cleanup(func() { _ = env.Release(t.Context()) })

	r.clk.Advance(5 * time.Second)
	rep, err := m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Empty(t, rep.ReapedLeases, "5 s: still live")

	r.clk.Advance(time.Millisecond)
	rep, err = m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{env.LeaseID}, rep.ReapedLeases, "judged dead after 5 s")
	assert.Equal(t, []string{env.ID}, rep.TornDown)
}

// A caller that drops its Env (it only needed the variables) keeps its
// lease for as long as it runs: the lock is on a raw descriptor, which no
// garbage collection closes.
func TestLeaseOutlivesItsDroppedEnv(t *testing.T) {
	r := newRig(t)
	m := r.open()
	leaseID := r.acquire(m, r.options()).LeaseID
	runtime.GC()
	runtime.GC()
	envs, err := m.List(t.Context())
	require.NoError(t, err)
	require.Len(t, envs, 1)
	require.Len(t, envs[0].Leases, 1)
	assert.Equal(t, leaseID, envs[0].Leases[0].ID)
	assert.True(t, envs[0].Leases[0].Live, "live after the garbage collector ran")
}
