package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

func TestRecordOps(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.RecordOps(ctx, nil))
	recs := []store.OpRecord{
		{Time: t0.UTC(), Op: "container.create", Duration: 1500 * time.Microsecond, PID: 9},
		{Time: t0.Add(time.Second).UTC(), Op: "container.start", Duration: 2 * time.Millisecond, ErrorKind: "transient", Retries: 2, PID: 9},
		{Time: t0.Add(2 * time.Second).UTC(), Op: "ping", Duration: time.Millisecond, PID: 10},
	}
	require.NoError(t, s.RecordOps(ctx, recs))

	got, err := s.Ops(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, recs, got)
	got, err = s.Ops(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, recs[1:], got)
}

func TestRecordUsage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	recs := []store.UsageRecord{
		{Time: t0.UTC(), EnvID: "e1", Kind: store.UsageAcquire, ValueMS: 900},
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Kind: store.UsageReady, ValueMS: 4200},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Kind: store.UsageRelease},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordUsage(ctx, r))
	}
	got, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, recs, got)
}

func TestPruneRecords(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.RecordOps(ctx, []store.OpRecord{{Time: t0, Op: "a"}, {Time: t0.Add(time.Hour), Op: "b"}}))
	require.NoError(t, s.RecordUsage(ctx, store.UsageRecord{Time: t0, EnvID: "e", Kind: store.UsageReuse}))
	require.NoError(t, s.RecordUsage(ctx, store.UsageRecord{Time: t0.Add(time.Hour), EnvID: "e", Kind: store.UsageReuse}))

	require.NoError(t, s.PruneRecords(ctx, t0.Add(time.Minute)))
	ops, err := s.Ops(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, ops, 1)
	assert.Equal(t, "b", ops[0].Op)
	usage, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, usage, 1)
	assert.True(t, t0.Add(time.Hour).Equal(usage[0].Time))
}
