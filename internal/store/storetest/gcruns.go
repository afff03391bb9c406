package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testGCRuns: gc run records come back oldest first (equal times in the
// order recorded), every field as stored, durations to the microsecond;
// since is inclusive.
func testGCRuns(t *testing.T, ctx context.Context, s store.Store) {
	recs := []store.GCRunRecord{
		{Time: t0.Add(time.Second).UTC(), Mode: "normal", Duration: 1500 * time.Microsecond, Actions: 4, Removed: 3,
			TornDown: 1, Reclaimed: 1 << 20, Error: "remove volume v1: in use"},
		{Time: t0.UTC(), Mode: "safe", Duration: time.Millisecond + 999},
		{Time: t0.Add(time.Second).UTC(), Mode: "safe", Actions: 1, Removed: 1, Reclaimed: 42},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordGCRun(ctx, r))
	}
	got, err := s.GCRuns(ctx, time.Time{})
	require.NoError(t, err)
	recs[1].Duration = time.Millisecond // kept to the microsecond
	assert.Equal(t, []store.GCRunRecord{recs[1], recs[0], recs[2]}, got)
	got, err = s.GCRuns(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.GCRunRecord{recs[0], recs[2]}, got)
}
