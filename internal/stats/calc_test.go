package stats

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func TestUsageStats(t *testing.T) {
	recs := []store.UsageRecord{
		{Time: at(0), EnvID: "a", Kind: store.UsageRelease}, // lease taken before the window
		{Time: at(1), EnvID: "a", Kind: store.UsageAcquire, ValueMS: 4000},
		{Time: at(2), EnvID: "a", Kind: store.UsageReuse, ValueMS: 20},
		{Time: at(3), EnvID: "b", Kind: store.UsageAcquire, ValueMS: 1000},
		{Time: at(4), EnvID: "a", Kind: store.UsageRelease},
		{Time: at(5), EnvID: "a", Kind: store.UsageReuse, ValueMS: 15},
		{Time: at(6), EnvID: "a", Kind: store.UsageRelease},
		{Time: at(7), EnvID: "a", Kind: store.UsageRelease},
		{Time: at(8), EnvID: "b", Kind: store.UsageRelease},
		{Time: at(9), EnvID: "c", Kind: store.UsageAcquire, ValueMS: 2000},
	}
	u := usageStats(recs)
	assert.Equal(t, UsageStats{Acquisitions: 5, Created: 3, ReuseHits: 2, Releases: 5, PeakHolders: 3,
		ReadyP50: 2 * time.Second, ReadyP95: 4 * time.Second}, u)
	assert.Equal(t, UsageStats{}, usageStats(nil))
}

func TestOpStats(t *testing.T) {
	ms := time.Millisecond
	var recs []store.OpRecord
	for i := 1; i <= 100; i++ { // inspect: 1..100 ms
		recs = append(recs, store.OpRecord{Op: "container_inspect", Duration: time.Duration(i) * ms})
	}
	recs = append(recs,
		store.OpRecord{Op: "container_create", Duration: 50 * ms, Retries: 2},
		store.OpRecord{Op: "container_create", Duration: 70 * ms, ErrorKind: "conflict"},
		store.OpRecord{Op: "ping", Duration: ms, ErrorKind: errKindCircuitOpen},
	)
	byKind, total := opStats(recs)
	require.Len(t, byKind, 3)
	assert.Equal(t, OpKindStats{Op: "container_create", Count: 2, Errors: 1, Retries: 2, P50: 50 * ms, P95: 70 * ms}, byKind[0])
	assert.Equal(t, OpKindStats{Op: "container_inspect", Count: 100, P50: 50 * ms, P95: 95 * ms}, byKind[1])
	assert.Equal(t, OpKindStats{Op: "ping", Count: 1, Errors: 1, Refused: 1, P50: ms, P95: ms}, byKind[2])
	assert.Equal(t, "all", total.Op)
	assert.Equal(t, 103, total.Count)
	assert.Equal(t, 2, total.Errors)
	assert.Equal(t, 1, total.Refused)
	assert.Equal(t, 2, total.Retries)
	assert.Equal(t, 50*ms, total.P50)
	assert.Equal(t, 95*ms, total.P95) // nearest rank 98 of 103: ping 1, inspect 1..95 and both creates are <= 95
}

func TestRestartStats(t *testing.T) {
	recs := []store.RestartRecord{
		{Time: at(1), EnvID: "e", Service: "web", Kind: store.RestartDone},
		{Time: at(2), EnvID: "e", Service: "web", Kind: store.RestartRefused},
		{Time: at(3), EnvID: "e", Service: "web", Kind: store.RestartRefused},
		{Time: at(4), EnvID: "e", Service: "db", Kind: store.RestartEngine},
		{Time: at(5), EnvID: "e", Service: "web", Kind: store.RestartForced},
		{Time: at(6), EnvID: "d", Service: "web", Kind: store.RestartDone},
	}
	assert.Equal(t, []ServiceRestarts{
		{EnvID: "d", Service: "web", Done: 1},
		{EnvID: "e", Service: "db", Engine: 1},
		{EnvID: "e", Service: "web", Done: 1, Refused: 2, Forced: 1},
	}, restartStats(recs))
	assert.Equal(t, []ServiceRestarts{}, restartStats(nil))
}

func TestOOMKills(t *testing.T) {
	events := []store.EventRecord{
		{Time: at(1), EnvID: "e", Service: "api", Container: "aaa111", Action: "oom", MemoryLimit: 32 << 20},
		{Time: at(1), EnvID: "e", Service: "api", Container: "aaa111", Action: "die", ExitCode: 137, OOMKilled: true, MemoryLimit: 32 << 20},
		{Time: at(2), EnvID: "e", Service: "db", Container: "bbb222", Action: "die", ExitCode: 137, OOMKilled: true, MemoryLimit: 64 << 20},
		{Time: at(3), EnvID: "e", Service: "web", Container: "ccc333", Action: "die", ExitCode: 1},
	}
	current := []OOMKill{
		{Time: at(1), EnvID: "e", Service: "api", Container: "aaa111fullid", MemoryLimit: 32 << 20}, // recorded
		{Time: at(4), EnvID: "f", Service: "cache", Container: "ddd444", MemoryLimit: 16 << 20},     // unseen
		{Time: t0.Add(-time.Hour), EnvID: "g", Service: "old", Container: "eee555"},                 // before since
	}
	got := oomKills(events, current, t0)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"api", "db", "cache"}, []string{got[0].Service, got[1].Service, got[2].Service})
	assert.Equal(t, int64(32<<20), got[0].MemoryLimit)
	assert.Equal(t, int64(64<<20), got[1].MemoryLimit)
	assert.Len(t, oomKills(events, current, time.Time{}), 4, "no window: the old kill counts too")
	assert.Equal(t, []OOMKill{}, oomKills(nil, nil, time.Time{}))
}

func TestOOMKillRecordedTwiceCountsOnce(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	full := "0123456789abcdef0123456789abcdef"
	events := []store.EventRecord{
		{Time: t0, EnvID: "e", Service: "hog", Container: full, Action: "oom", OOMKilled: true, MemoryLimit: 32 << 20},
		{Time: t0.Add(time.Second), EnvID: "e", Service: "hog", Container: full[:12], Action: "oom", OOMKilled: true, MemoryLimit: 32 << 20},
		{Time: t0.Add(time.Minute), EnvID: "e", Service: "hog", Container: full, Action: "oom", OOMKilled: true, MemoryLimit: 32 << 20},
	}
	got := oomKills(events, nil, time.Time{})
	assert.Len(t, got, 2, "the watcher's and the failed up's record of one kill are one kill; a kill a minute later is another")
}
