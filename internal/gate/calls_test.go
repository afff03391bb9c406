package gate

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// TestTakeCallsDrainsOneRecordPerCall: each gated call leaves one record
// (retries folded in, the error's kind named) until TakeCalls drains them.
func TestTakeCallsDrainsOneRecordPerCall(t *testing.T) {
	n := 0
	s := &stub{ping: ok, start: func() error {
		n++
		switch n {
		case 1:
			return engine.Wrap(engine.OpContainerStart, engine.ErrTransient, errors.New("try again"))
		case 2:
			return nil
		}
		return engine.Wrap(engine.OpContainerStart, engine.ErrConflict, errors.New("already started"))
	}}
	g := newGate(t, t.TempDir(), s, nil)
	ctx := context.Background()
	require.NoError(t, g.ContainerStart(ctx, "c1"))
	require.Error(t, g.ContainerStart(ctx, "c1"))
	_, err := g.Ping(ctx)
	require.NoError(t, err)

	calls, dropped := g.TakeCalls()
	assert.Zero(t, dropped)
	require.Len(t, calls, 3)
	assert.Equal(t, engine.OpContainerStart, calls[0].Op)
	assert.Equal(t, 1, calls[0].Retries)
	assert.Empty(t, calls[0].ErrorKind)
	assert.Equal(t, "conflict", calls[1].ErrorKind)
	assert.Equal(t, engine.OpPing, calls[2].Op)
	assert.False(t, calls[0].Time.IsZero())
	assert.False(t, calls[1].Time.Before(calls[0].Time))

	again, _ := g.TakeCalls()
	assert.Empty(t, again, "taken calls are not returned twice")
}

func TestErrorKind(t *testing.T) {
	assert.Equal(t, "", ErrorKind(nil))
	assert.Equal(t, "not_found", ErrorKind(engine.Wrap(engine.OpContainerInspect, engine.ErrNotFound, errors.New("x"))))
	assert.Equal(t, "unavailable", ErrorKind(&CircuitOpenError{}))
	assert.Equal(t, "canceled", ErrorKind(context.Canceled))
	assert.Equal(t, "other", ErrorKind(errors.New("boom")))
}
