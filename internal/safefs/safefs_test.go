package safefs

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/failure"
)

// TestPlantedSymlinkIsNotFollowed: a link planted in one's own state
// directory (budget.state -> a victim's file) is refused by every way berth
// opens a file there, and the victim's file is left as it was.
func TestPlantedSymlinkIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o600))
	link := filepath.Join(dir, "budget.state")
	if err := os.Symlink(victim, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}

	_, err := OpenFile(link, os.O_RDWR|os.O_CREATE, 0o600)
	require.ErrorIs(t, err, ErrLink)
	require.ErrorIs(t, WriteFile(link, []byte("overwritten"), 0o600), ErrLink)
	_, err = ReadFile(link)
	require.ErrorIs(t, err, ErrLink)
	require.ErrorIs(t, NotLink(link), ErrLink)

	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(got), "the victim's file is untouched")
}

// TestOpenNoFollowClosesTheRace: the open itself refuses a link, so a link
// swapped in after a check is not followed either (unix: O_NOFOLLOW).
func TestOpenNoFollowClosesTheRace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows: NotLink checks before the open; the open itself follows")
	}
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o600))
	link := filepath.Join(dir, "f")
	require.NoError(t, os.Symlink(victim, link))
	_, err := openNoFollow(link, os.O_RDWR, 0o600)
	require.Error(t, err)
	assert.True(t, isLinkErr(err), "%v", err)
}

func TestNewFilesAre0600(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes on Windows")
	}
	p := filepath.Join(t.TempDir(), "f")
	require.NoError(t, WriteFile(p, []byte("x"), 0o600))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestEnsureDirCreates0700(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "state")
	require.NoError(t, EnsureDir(dir))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	}
	require.NoError(t, EnsureDir(dir), "an existing directory of one's own is fine")
}

// TestEnsureDirRefusesAWorldWritableDirectory: a pre-created 0777 state
// directory is refused as bad input, naming the directory and the fix.
func TestEnsureDirRefusesAWorldWritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes on Windows")
	}
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chmod(dir, 0o777))
	err := EnsureDir(dir)
	var ue *UnsafeDirError
	require.ErrorAs(t, err, &ue)
	var ie *failure.InputError
	require.True(t, errors.As(err, &ie), "bad input: exit 2")
	assert.Contains(t, err.Error(), dir)
	assert.Contains(t, err.Error(), "chmod 700 "+dir)
	assert.Contains(t, err.Error(), "0777")
}

// TestEnsureDirRefusesAnotherUsersDirectory: owned by another user (made
// so by chown, which needs root), even 0700, it is refused.
func TestEnsureDirRefusesAnotherUsersDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("ownership on Windows is a matter of ACLs: not checked")
	}
	dir := filepath.Join(t.TempDir(), "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	other := os.Geteuid() + 1
	if err := os.Chown(dir, other, -1); err != nil {
		t.Skipf("cannot give a directory to another user (needs root): %v", err)
	}
	err := EnsureDir(dir)
	var ue *UnsafeDirError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), dir)
	assert.Contains(t, err.Error(), "BERTH_STATE_DIR")
}
