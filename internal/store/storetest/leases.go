package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testAddLease: a new lease has a fresh ID and both times now, is stored
// as returned, and clears its environment's IdleSince.
func testAddLease(t *testing.T, ctx context.Context, s store.Store) {
	e := testEnv("e1")
	e.IdleSince = t0
	require.NoError(t, s.PutEnv(ctx, e))

	l, err := s.AddLease(ctx, "e1", holder(42), 30*time.Second, t0)
	require.NoError(t, err)
	assert.Regexp(t, `^l-[0-9a-f]{16}$`, l.ID)
	assert.Equal(t, store.Lease{ID: l.ID, EnvID: "e1", Holder: holder(42), CreatedAt: t0.UTC(), HeartbeatAt: t0.UTC(), TTL: 30 * time.Second}, l)

	got, err := s.Lease(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, l, got, "stored lease equals the returned one (start time above 2^63 included)")
	assert.True(t, idleSince(t, ctx, s, "e1").IsZero(), "AddLease clears IdleSince")

	other := addLease(t, ctx, s, "e1", 42, t0)
	assert.NotEqual(t, l.ID, other.ID, "each lease has its own ID")
}

// testLeasesOrder: Leases and AllLeases list by CreatedAt, then ID; an
// environment without leases has none.
func testLeasesOrder(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1", "e2")
	none, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, none)

	c := addLease(t, ctx, s, "e1", 3, t0.Add(2*time.Second))
	a := addLease(t, ctx, s, "e1", 1, t0)
	b := addLease(t, ctx, s, "e2", 2, t0.Add(time.Second))
	// Three leases made at one time: their IDs order them.
	var same []store.Lease
	for pid := range 3 {
		same = append(same, addLease(t, ctx, s, "e2", 4+pid, t0.Add(time.Hour)))
	}
	slices.SortFunc(same, func(x, y store.Lease) int { return strings.Compare(x.ID, y.ID) })

	e1, err := s.Leases(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{a, c}, e1)
	e2, err := s.Leases(ctx, "e2")
	require.NoError(t, err)
	assert.Equal(t, append([]store.Lease{b}, same...), e2)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Equal(t, append([]store.Lease{a, b, c}, same...), all)
	none, err = s.Leases(ctx, "e3")
	require.NoError(t, err)
	assert.Empty(t, none)
}

// testHeartbeat: a heartbeat moves HeartbeatAt only.
func testHeartbeat(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1")
	l, err := s.AddLease(ctx, "e1", holder(1), time.Minute, t0)
	require.NoError(t, err)

	require.NoError(t, s.Heartbeat(ctx, l.ID, t0.Add(40*time.Second)))
	got, err := s.Lease(ctx, l.ID)
	require.NoError(t, err)
	l.HeartbeatAt = t0.Add(40 * time.Second).UTC()
	assert.Equal(t, l, got)
}
