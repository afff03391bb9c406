package leases

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

var t0 = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// memStore is the two store calls the book makes, in memory.
type memStore struct{ leases []store.Lease }

func (m *memStore) Leases(_ context.Context, envID string) ([]store.Lease, error) {
	var out []store.Lease
	for _, l := range m.leases {
		if l.EnvID == envID {
			out = append(out, l)
		}
	}
	return out, nil
}

func (m *memStore) AllLeases(context.Context) ([]store.Lease, error) { return m.leases, nil }

func (m *memStore) ReapLeases(_ context.Context, dead func(store.Lease) bool, _ time.Time) ([]store.Lease, error) {
	var keep, gone []store.Lease
	for _, l := range m.leases {
		if dead(l) {
			gone = append(gone, l)
		} else {
			keep = append(keep, l)
		}
	}
	m.leases = keep
	return gone, nil
}

// book judges from host "here", where no process is alive by PID: only a
// held lock (or a TTL) can keep a lease live, as for a holder in another
// PID namespace, whose PID means nothing here.
func book(t *testing.T, now *time.Time, ls ...store.Lease) (*Book, *memStore) {
	st := &memStore{leases: ls}
	return &Book{Store: st, Now: func() time.Time { return *now }, Locks: &Locks{Dir: t.TempDir()}, Host: "here",
		Alive: func(int, uint64) bool { return false }}, st
}

// TestLiveIsTheLockHeld: a lease is live exactly while its lock is held,
// whatever its PID says; a TTL also keeps it for that long after its last
// heartbeat; a lease without a lock falls back to PID and TTL.
func TestLiveIsTheLockHeld(t *testing.T) {
	skipWithoutLocks(t)
	now := t0
	b, st := book(t, &now)
	h, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	held := store.Lease{ID: "l-held", EnvID: "e", Holder: store.Holder{Host: "here", PID: 4242, StartTime: 1, Lock: h.Name}}
	other := store.Lease{ID: "l-other-host", EnvID: "e", Holder: store.Holder{Host: "elsewhere", PID: 7, StartTime: 1, Lock: h.Name}}
	ttl := store.Lease{ID: "l-ttl", EnvID: "e", Holder: store.Holder{Host: "here"}, TTL: 5 * time.Second, HeartbeatAt: t0}
	old := store.Lease{ID: "l-old", EnvID: "e", Holder: store.Holder{Host: "here", PID: 4242, StartTime: 1}}
	st.leases = []store.Lease{held, other, ttl, old}

	assert.True(t, b.Live(held), "lock held: live, though PID 4242 is not alive here")
	assert.True(t, b.Live(other), "lock held: live, whatever host name the holder has")
	assert.True(t, b.Live(ttl), "no lock, fresh TTL")
	assert.False(t, b.Live(old), "no lock: by PID, dead here")

	now = t0.Add(5 * time.Second)
	assert.True(t, b.Live(ttl), "TTL: live for 5 s")
	now = t0.Add(5*time.Second + time.Nanosecond)
	assert.False(t, b.Live(ttl), "TTL: dead after 5 s")

	h.Abandon() // its holder is killed
	assert.False(t, b.Live(held))
	assert.False(t, b.Live(other), "another host's holder that died is dead too: no more 'cannot check, so live'")
	reaped, err := b.Reap(context.Background())
	require.NoError(t, err)
	assert.Len(t, reaped, 4)
	_, err = b.Locks.Probe(h.Name)
	require.NoError(t, err)
	assert.NoFileExists(t, b.Locks.(*Locks).Path(h.Name), "reaping removes the dead lease's file")
}

// TestLockedLeaseWithTTLLivesWhileEither: a held lock keeps a lease whose
// heartbeat is stale; a dead holder's lease lives out its TTL.
func TestLockedLeaseWithTTLLivesWhileEither(t *testing.T) {
	skipWithoutLocks(t)
	now := t0
	b, _ := book(t, &now)
	h, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	l := store.Lease{ID: "l", EnvID: "e", Holder: store.Holder{Host: "here", Lock: h.Name}, TTL: time.Minute, HeartbeatAt: t0}
	now = t0.Add(time.Hour)
	assert.True(t, b.Live(l), "held, heartbeat stale")
	h.Abandon()
	assert.False(t, b.Live(l))
	now = t0.Add(30 * time.Second)
	assert.True(t, b.Live(l), "not held, heartbeat fresh")
}

// TestTakeHoldsInThisProcessOrNot: holder 0 is this process (a lock held
// here); NoProcess takes no lock; another process without a keeper
// command takes none either (judged by PID).
func TestTakeHoldsInThisProcessOrNot(t *testing.T) {
	skipWithoutLocks(t)
	now := t0
	b, _ := book(t, &now)
	p, err := b.Take(0, nil)
	require.NoError(t, err)
	name, err := p.Held(context.Background())
	require.NoError(t, err)
	held, err := b.Locks.Probe(name)
	require.NoError(t, err)
	assert.True(t, held)
	p.Drop()
	held, err = b.Locks.Probe(name)
	require.NoError(t, err)
	assert.False(t, held)

	for _, pid := range []int{NoProcess, 1} {
		p, err := b.Take(pid, nil)
		require.NoError(t, err)
		assert.Nil(t, p, "pid %d", pid)
	}
}
