package leases

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// TestTaggedLockKeepsEnvironmentLiveWithoutItsLease: a held lock file
// tagged with an environment counts as a live lease on it although the
// store has no lease naming it (the store was deleted and made again),
// once only when the store does name it, and not at all once the holder
// is gone; untagged files and other environments' files do not count.
func TestTaggedLockKeepsEnvironmentLiveWithoutItsLease(t *testing.T) {
	skipWithoutLocks(t)
	ctx := context.Background()
	now := t0
	b, st := book(t, &now)
	lost, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	require.NoError(t, b.Tag(store.Lease{EnvID: "e", Holder: store.Holder{Lock: lost.Name}}))
	known, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	kept := store.Lease{ID: "l-known", EnvID: "e", Holder: store.Holder{Host: "here", Lock: known.Name}}
	require.NoError(t, b.Tag(kept))
	st.leases = []store.Lease{kept}
	untagged, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	defer untagged.Release()
	other, err := b.Locks.(*Locks).Create()
	require.NoError(t, err)
	defer other.Release()
	require.NoError(t, b.Locks.Tag(other.Name, "e-other"))

	live, dead, err := b.Split(ctx, "e")
	require.NoError(t, err)
	assert.Empty(t, dead)
	var names []string
	for _, l := range live {
		names = append(names, l.Holder.Lock)
	}
	assert.ElementsMatch(t, []string{known.Name, lost.Name}, names, "the store's lease once, and the lost one")

	lost.Abandon() // its holder dies
	live, _, err = b.Split(ctx, "e")
	require.NoError(t, err)
	require.Len(t, live, 1)
	assert.Equal(t, "l-known", live[0].ID)

	require.NoError(t, known.Release())
	assert.NoError(t, b.Locks.Tag(known.Name, "e"), "tagging a released lock's file is a no-op")
}
