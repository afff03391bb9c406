package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testEvents: event records come back whole, by service or all, oldest
// first (equal times in the order recorded); since is inclusive.
func testEvents(t *testing.T, ctx context.Context, s store.Store) {
	recs := []store.EventRecord{
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Service: "db", Container: "c1", Action: "die", ExitCode: 3},
		{Time: t0.UTC(), EnvID: "e1", Service: "db", Container: "c1", Action: "oom", OOMKilled: true, MemoryLimit: 32 << 20},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "web", Container: "c2", Action: "health_status: healthy"},
		{Time: t0.Add(3 * time.Second).UTC(), EnvID: "e2", Service: "db", Container: "c3", Action: "restart"},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "db", Container: "c4", Action: "stop", ExitCode: 137},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordEvent(ctx, r))
	}
	got, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[1], recs[0], recs[2], recs[4], recs[3]}, got, "oldest first")

	got, err = s.EventsSince(ctx, t0.Add(2*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[2], recs[4], recs[3]}, got, "since is inclusive")

	got, err = s.ServiceEvents(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[1], recs[0], recs[4]}, got)
	got, err = s.ServiceEvents(ctx, "e1", "db", t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[0], recs[4]}, got)

	none, err := s.ServiceEvents(ctx, "e9", "db", time.Time{})
	require.NoError(t, err)
	assert.Empty(t, none)
}

// testEventStoredOnce: a record with the Container, Time and Action of a
// stored one is not stored again.
func testEventStoredOnce(t *testing.T, ctx context.Context, s store.Store) {
	r := store.EventRecord{Time: t0, EnvID: "e1", Service: "db", Container: "c1", Action: "die", ExitCode: 3}
	require.NoError(t, s.RecordEvent(ctx, r))
	require.NoError(t, s.RecordEvent(ctx, r))
	r.Action = "stop" // a different event at the same time
	require.NoError(t, s.RecordEvent(ctx, r))
	r.Container = "c2" // the same event of another container
	require.NoError(t, s.RecordEvent(ctx, r))
	got, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 3)
}
