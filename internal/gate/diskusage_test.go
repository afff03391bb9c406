package gate

import (
	"context"
	"errors"
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
	e := fake.New()
	busy := engine.Wrap(engine.OpDiskUsage, engine.ErrTransient, errors.New("a disk usage operation is already running"))
	for range 6 {
		e.FailNext(engine.OpDiskUsage, busy)
	}
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
