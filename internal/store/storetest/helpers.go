package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// t0 is a fixed test time with nanoseconds and a zone other than UTC, to
// check that times round-trip exactly and come back in UTC.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 3600))

// testEnv returns a ready shared environment created at t0.
func testEnv(id string) store.Env {
	return store.Env{
		ID: id, Project: "demo", Mode: "shared", ConfigHash: "abc123",
		Files:     []string{"compose.yaml", "compose.override.yaml"},
		State:     store.StateReady,
		CreatedAt: t0, ReadyAt: t0.Add(3 * time.Second), Linger: 2 * time.Minute,
		Endpoints: map[string]string{"BERTH_DB_HOST": "127.0.0.1", "BERTH_DB_PORT": "5432"},
	}
}

// holder returns a holder with a start time above 2^63, which a backend
// storing it as a signed integer must not lose, and a lock name, which it
// must keep.
func holder(pid int) store.Holder {
	return store.Holder{Host: "h1", PID: pid, StartTime: 1<<63 | uint64(pid), Lock: fmt.Sprintf("h-%016x", pid)}
}

// putEnvs stores testEnv(id) for each id.
func putEnvs(t *testing.T, ctx context.Context, s store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, s.PutEnv(ctx, testEnv(id)))
	}
}

// addLease adds a lease of holder(pid) on envID at now, without a TTL.
func addLease(t *testing.T, ctx context.Context, s store.Store, envID string, pid int, now time.Time) store.Lease {
	t.Helper()
	l, err := s.AddLease(ctx, envID, holder(pid), 0, now)
	require.NoError(t, err)
	return l
}

// idleSince returns environment id's IdleSince.
func idleSince(t *testing.T, ctx context.Context, s store.Store, id string) time.Time {
	t.Helper()
	e, err := s.Env(ctx, id)
	require.NoError(t, err)
	return e.IdleSince
}

// requireTime requires got to be the same instant as want.
func requireTime(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	require.True(t, want.Equal(got), "%s: want %v, got %v", what, want, got)
}
