package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

func TestEventsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	recs := []store.EventRecord{
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Service: "db", Container: "c1", Action: "die", ExitCode: 3},
		{Time: t0.UTC(), EnvID: "e1", Service: "db", Container: "c1", Action: "oom", OOMKilled: true, MemoryLimit: 32 << 20},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "web", Container: "c2", Action: "health_status: healthy"},
		{Time: t0.Add(3 * time.Second).UTC(), EnvID: "e2", Service: "db", Container: "c3", Action: "restart"},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordEvent(ctx, r))
	}
	got, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[1], recs[0], recs[2], recs[3]}, got, "oldest first")

	got, err = s.EventsSince(ctx, t0.Add(2*time.Second))
	require.NoError(t, err)
	assert.Equal(t, recs[2:], got, "since is inclusive")

	got, err = s.ServiceEvents(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.EventRecord{recs[1], recs[0]}, got)
}

func TestRecordEventStoresOneEventOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := store.EventRecord{Time: t0, EnvID: "e1", Service: "db", Container: "c1", Action: "die", ExitCode: 3}
	require.NoError(t, s.RecordEvent(ctx, r))
	require.NoError(t, s.RecordEvent(ctx, r))
	r.Action = "stop" // a different event at the same time
	require.NoError(t, s.RecordEvent(ctx, r))
	got, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

func TestEventsInsideTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.RecordEvent(ctx, store.EventRecord{Time: t0, EnvID: "e1", Service: "db", Container: "c1", Action: "die"}); err != nil {
			return err
		}
		evs, err := tx.EventsSince(ctx, time.Time{})
		require.NoError(t, err)
		require.Len(t, evs, 1, "a transaction reads its own writes")
		evs, err = tx.ServiceEvents(ctx, "e1", "db", time.Time{})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		return nil
	})
	require.NoError(t, err)
}
