package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// t0 is a fixed test time with nanoseconds and a non-UTC zone, to check
// that times round-trip exactly and come back in UTC.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 3600))

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "berth.db"))
	if s != nil {
		t.Cleanup(func() { require.NoError(t, s.Close()) })
	}
	require.NoError(t, err)
	return s
}

func testEnv(id string) store.Env {
	return store.Env{
		ID: id, Project: "demo", Mode: "shared", ConfigHash: "abc123",
		Files:     []string{"compose.yaml", "compose.override.yaml"},
		State:     store.StateReady,
		CreatedAt: t0, ReadyAt: t0.Add(3 * time.Second), Linger: 2 * time.Minute,
		Endpoints: map[string]string{"BERTH_DB_HOST": "127.0.0.1", "BERTH_DB_PORT": "5432"},
	}
}

func holder(pid int) store.Holder {
	return store.Holder{Host: "h1", PID: pid, StartTime: 1<<63 | uint64(pid)}
}
