package gate

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

// TestDiskUsageWaitsOutAnotherClientsDiskUsage: the daemon refuses a disk
// usage while another runs; the gate keeps trying past its usual retries
// (here 6 refusals, 4 retries) until it gets an answer.
func TestDiskUsageWaitsOutAnotherClientsDiskUsage(t *testing.T) {
	e := busyDaemon(6)
	g := newGate(t, t.TempDir(), e, nil)
	_, err := g.DiskUsage(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 7, e.Calls(engine.OpDiskUsage))
}

// TestDiskUsagePermanentErrorReturnsAtOnce: only transient refusals are
// waited out.
func TestDiskUsagePermanentErrorReturnsAtOnce(t *testing.T) {
	e := fake.New()
	e.FailNext(engine.OpDiskUsage, engine.ErrInvalid)
	g := newGate(t, t.TempDir(), e, nil)
	_, err := g.DiskUsage(context.Background())
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Equal(t, 1, e.Calls(engine.OpDiskUsage))
}

// TestDiskUsageCancelledReturnsTheCancellation: an interrupted wait for
// the daemon ends with the context's error, not the last refusal (so
// Ctrl-C reads as an interruption).
func TestDiskUsageCancelledReturnsTheCancellation(t *testing.T) {
	e := busyDaemon(50)
	g := newGate(t, t.TempDir(), e, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for e.Calls(engine.OpDiskUsage) < 5 { // the first round of retries is done
			runtime.Gosched()
		}
		cancel()
	}()
	_, err := g.DiskUsage(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

// TestDiskUsageWaitsForAnotherProcesssLockWithinCtx: a disk usage held by
// another holder of the endpoint's lock is waited for; a cancelled wait
// returns the cancellation at once.
func TestDiskUsageWaitsForAnotherProcesssLockWithinCtx(t *testing.T) {
	dir := t.TempDir()
	e := fake.New()
	g := newGate(t, dir, e, nil)
	release, err := g.endpoint.Acquire(context.Background(), "disk-usage") // another process's call in flight
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = g.DiskUsage(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, e.Calls(engine.OpDiskUsage), "no call while the other holds the lock")
	require.NoError(t, release())
	_, err = g.DiskUsage(context.Background())
	require.NoError(t, err)
}

// busyDaemon is a fake engine whose next n disk usage calls are refused
// as the daemon refuses one while another runs.
func busyDaemon(n int) *fake.Engine {
	e := fake.New()
	busy := engine.Wrap(engine.OpDiskUsage, engine.ErrTransient, errors.New("a disk usage operation is already running"))
	for range n {
		e.FailNext(engine.OpDiskUsage, busy)
	}
	return e
}
