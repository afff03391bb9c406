package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testCreatedAt: a new store knows when it was created (not in the
// future, in UTC) and says the same every time. That it stays the same
// across opens is for each backend's own tests: the suite opens each
// store once.
func testCreatedAt(t *testing.T, ctx context.Context, s store.Store) {
	first, err := s.CreatedAt(ctx)
	require.NoError(t, err)
	assert.False(t, first.IsZero())
	assert.Equal(t, time.UTC, first.Location())
	assert.False(t, first.After(time.Now().Add(time.Second)), "created %v, in the future", first)

	putEnvs(t, ctx, s, "e1")
	again, err := s.CreatedAt(ctx)
	require.NoError(t, err)
	requireTime(t, first, again, "CreatedAt after a write")
}
