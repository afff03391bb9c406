package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testRestarts: restart records come back by service or all, oldest
// first (equal times in the order recorded); since is inclusive.
func testRestarts(t *testing.T, ctx context.Context, s store.Store) {
	recs := []store.RestartRecord{
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "db", Kind: store.RestartDone, Reason: ""},
		{Time: t0.UTC(), EnvID: "e1", Service: "db", Kind: store.RestartEngine, Reason: "restart policy"},
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Service: "web", Kind: store.RestartForced, Reason: "forced"},
		{Time: t0.Add(3 * time.Second).UTC(), EnvID: "e2", Service: "db", Kind: store.RestartRefused, Reason: "cooldown: last restart 1s ago, cooldown 30s"},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "db", Kind: store.RestartRefused, Reason: "cooldown"},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordRestart(ctx, r))
	}

	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[1], recs[0], recs[4]}, got, "oldest first, only e1/db")
	got, err = s.Restarts(ctx, "e1", "db", t0.Add(2*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[0], recs[4]}, got, "since is inclusive")

	all, err := s.AllRestarts(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[2], recs[0], recs[4], recs[3]}, all)
	all, err = s.AllRestarts(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, all, len(recs))

	none, err := s.Restarts(ctx, "e9", "db", time.Time{})
	require.NoError(t, err)
	assert.Empty(t, none)
}

// testRestartStoredOnce: a record with the EnvID, Service, Time and Kind
// of a stored one is not stored again; the first one's Reason stays.
func testRestartStoredOnce(t *testing.T, ctx context.Context, s store.Store) {
	r := store.RestartRecord{Time: t0, EnvID: "e1", Service: "db", Kind: store.RestartEngine, Reason: "seen by watcher 1"}
	require.NoError(t, s.RecordRestart(ctx, r))
	r.Reason = "seen by watcher 2"
	require.NoError(t, s.RecordRestart(ctx, r))
	r.Kind = store.RestartRefused // another fact at the same time
	require.NoError(t, s.RecordRestart(ctx, r))
	r.Kind, r.Service = store.RestartEngine, "web" // another service
	require.NoError(t, s.RecordRestart(ctx, r))

	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "seen by watcher 1", got[0].Reason)
	all, err := s.AllRestarts(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, all, 3)
}
