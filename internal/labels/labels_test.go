package labels

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateOfNamesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	a := StateOf(dir)
	assert.Len(t, a, 12)
	assert.Equal(t, a, StateOf(dir+"/"), "the same directory, cleaned")
	assert.NotEqual(t, a, StateOf(filepath.Join(dir, "other")), "another directory")
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(dir, link))
	assert.Equal(t, a, StateOf(link), "a symbolic link to it")
}

func TestCreatorHost(t *testing.T) {
	assert.Equal(t, "ci-7", CreatorHost(map[string]string{Creator: "runner@ci-7:4242"}))
	assert.Equal(t, "h", CreatorHost(map[string]string{Creator: "a@b@h:1"}))
	assert.Equal(t, "", CreatorHost(map[string]string{Creator: "nohost"}))
	assert.Equal(t, "", CreatorHost(nil))
}

// TestIdentityOursByPathOrID: a resource is this state's when either its
// path hash or its ID matches; another state's when it names a state and
// neither matches; a resource naming none is neither.
func TestIdentityOursByPathOrID(t *testing.T) {
	me := Identity{Path: "aaaaaaaaaaaa", ID: "111111111111111111111111"}
	for _, m := range []map[string]string{
		{State: "aaaaaaaaaaaa", StateID: "111111111111111111111111"},
		{State: "cccccccccccc", StateID: "111111111111111111111111"}, // mounted elsewhere
		{State: "aaaaaaaaaaaa", StateID: "222222222222222222222222"}, // recreated at its path
		{State: "aaaaaaaaaaaa"}, // before the ID label
	} {
		assert.True(t, me.Ours(m), "%v", m)
		assert.Empty(t, me.Foreign(m), "%v", m)
	}
	other := map[string]string{State: "cccccccccccc", StateID: "222222222222222222222222"}
	assert.False(t, me.Ours(other))
	assert.Equal(t, "dev.berth.state=cccccccccccc dev.berth.state-id=222222222222222222222222", me.Foreign(other))
	assert.Empty(t, me.Foreign(map[string]string{Env: "x"}), "unstamped: not known to be anyone's")
	assert.False(t, me.Ours(map[string]string{Env: "x"}))
	assert.Equal(t, map[string]string{State: "aaaaaaaaaaaa", StateID: "111111111111111111111111"}, me.Stamp())
}

// TestStampWithoutPath: a shared store's identity (no state directory
// path) stamps only its ID, and owns exactly what carries that ID: not
// what a local state directory made, whatever its path.
func TestStampWithoutPath(t *testing.T) {
	shared := Identity{ID: "0123456789abcdef01234567"}
	m := shared.Stamp()
	if _, ok := m[State]; ok || m[StateID] != shared.ID {
		t.Fatalf("Stamp() = %v, want only %s=%s", m, StateID, shared.ID)
	}
	if !shared.Ours(m) {
		t.Fatal("a resource stamped by the shared store is not its own")
	}
	local := Identity{Path: "abcdefabcdef", ID: "ffffffffffffffffffffffff"}
	if shared.Ours(local.Stamp()) || local.Ours(m) {
		t.Fatal("a local state and the shared store claim each other's resources")
	}
}
