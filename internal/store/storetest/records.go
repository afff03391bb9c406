package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testOpRecords: op records come back oldest first (equal times in the
// order recorded), durations to the microsecond; since is inclusive.
func testOpRecords(t *testing.T, ctx context.Context, s store.Store) {
	require.NoError(t, s.RecordOps(ctx, nil))
	recs := []store.OpRecord{
		{Time: t0.Add(time.Second).UTC(), Op: "container.start", Duration: 2 * time.Millisecond, ErrorKind: "transient", Retries: 2, PID: 9},
		{Time: t0.UTC(), Op: "container.create", Duration: 1500 * time.Microsecond, Queued: 700 * time.Microsecond, PID: 9},
		{Time: t0.Add(2 * time.Second).UTC(), Op: "ping", Duration: time.Millisecond, PID: 10},
		{Time: t0.Add(2 * time.Second).UTC(), Op: "info", Duration: time.Millisecond + 999, PID: 10},
	}
	require.NoError(t, s.RecordOps(ctx, recs))

	got, err := s.Ops(ctx, time.Time{})
	require.NoError(t, err)
	recs[3].Duration = time.Millisecond // kept to the microsecond
	assert.Equal(t, []store.OpRecord{recs[1], recs[0], recs[2], recs[3]}, got)
	got, err = s.Ops(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.OpRecord{recs[0], recs[2], recs[3]}, got)
}

// testUsageRecords: usage records come back oldest first (equal times in
// the order recorded); since is inclusive.
func testUsageRecords(t *testing.T, ctx context.Context, s store.Store) {
	recs := []store.UsageRecord{
		{Time: t0.UTC(), EnvID: "e1", Kind: store.UsageAcquire, ValueMS: 900},
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Kind: store.UsageReady, ValueMS: 4200},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Kind: store.UsageRelease},
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e2", Kind: store.UsageReuse, ValueMS: 3},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordUsage(ctx, r))
	}
	got, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, recs, got)
	got, err = s.Usage(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, recs[1:], got)
}

// testPruneRecords: pruning deletes the op, usage, restart, event and gc
// run records before the bound (one exactly at it stays) and nothing else.
func testPruneRecords(t *testing.T, ctx context.Context, s store.Store) {
	old, bound := t0, t0.Add(time.Minute)
	putEnvs(t, ctx, s, "e1")
	l := addLease(t, ctx, s, "e1", 1, old)
	for _, ts := range []time.Time{old, bound} {
		require.NoError(t, s.RecordOps(ctx, []store.OpRecord{{Time: ts, Op: "ping"}}))
		require.NoError(t, s.RecordUsage(ctx, store.UsageRecord{Time: ts, EnvID: "e1", Kind: store.UsageReuse}))
		require.NoError(t, s.RecordRestart(ctx, store.RestartRecord{Time: ts, EnvID: "e1", Service: "db", Kind: store.RestartDone}))
		require.NoError(t, s.RecordEvent(ctx, store.EventRecord{Time: ts, EnvID: "e1", Service: "db", Container: "c1", Action: "die"}))
		require.NoError(t, s.RecordGCRun(ctx, store.GCRunRecord{Time: ts, Mode: "safe"}))
	}

	require.NoError(t, s.PruneRecords(ctx, bound))
	ops, err := s.Ops(ctx, time.Time{})
	require.NoError(t, err)
	usage, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	restarts, err := s.AllRestarts(ctx, time.Time{})
	require.NoError(t, err)
	events, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, ops, 1)
	require.Len(t, usage, 1)
	require.Len(t, restarts, 1)
	require.Len(t, events, 1)
	runs, err := s.GCRuns(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	for what, ts := range map[string]time.Time{"op": ops[0].Time, "usage": usage[0].Time, "restart": restarts[0].Time, "event": events[0].Time} {
		requireTime(t, bound, ts, what+" record kept")
	}

	_, err = s.Env(ctx, "e1")
	require.NoError(t, err, "environments are not records")
	_, err = s.Lease(ctx, l.ID)
	require.NoError(t, err, "leases are not records")
}
