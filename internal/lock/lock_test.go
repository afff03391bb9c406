package lock

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/safefs"
)

func TestTryAcquireExcludesOtherHoldersEvenInOneProcess(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	release, ok, err := d.TryAcquire("a")
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, err = d.TryAcquire("a")
	require.NoError(t, err)
	assert.False(t, ok, "a second holder is refused while the first holds it")
	_, ok, err = d.TryAcquire("b")
	require.NoError(t, err)
	assert.True(t, ok, "other names are independent")
	require.NoError(t, release())
	r2, ok, err := d.TryAcquire("a")
	require.NoError(t, err)
	assert.True(t, ok, "free again after release")
	require.NoError(t, r2())
}

func TestAcquireGivesUpWhenTheContextEnds(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	release, err := d.Acquire(context.Background(), "a")
	require.NoError(t, err)
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = d.Acquire(ctx, "a")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestSlotsHandOutAtMostN(t *testing.T) {
	s := Slots{Dir: Dir{Path: t.TempDir()}, N: 2}
	ctx := context.Background()
	r1, err := s.Acquire(ctx)
	require.NoError(t, err)
	r2, err := s.Acquire(ctx)
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = s.Acquire(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a third holder waits")
	require.NoError(t, r1())
	r3, err := s.Acquire(ctx)
	require.NoError(t, err, "a released slot is taken")
	require.NoError(t, r2())
	require.NoError(t, r3())

	_, err = Slots{Dir: s.Dir, N: 0}.Acquire(ctx)
	require.Error(t, err)
}

func TestSafeName(t *testing.T) {
	assert.Equal(t, "network-berth_x.y", SafeName("network-berth/x.y"))
	assert.Equal(t, "LISL_5DIN", SafeName("LISL:5DIN"))
}

// TestLongNamesFitInAFileName: a lock named after a 250-character project
// is a file name the file system takes, distinct from a name that differs
// only at its end.
func TestLongNamesFitInAFileName(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	long := "env-" + strings.Repeat("p", 250) + "-abc"
	other := "env-" + strings.Repeat("p", 250) + "-abd"
	assert.LessOrEqual(t, len(SafeName(long)), 120)
	assert.NotEqual(t, SafeName(long), SafeName(other))
	assert.Equal(t, "env-demo_1", SafeName("env-demo/1"), "short names are kept as they were")
	release, ok, err := d.TryAcquire(long)
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, err = d.TryAcquire(other)
	require.NoError(t, err)
	assert.True(t, ok, "a distinct name is a distinct lock")
	require.NoError(t, release())
}

// TestLockFilesAreNotFollowedThroughLinks: a link planted where a lock or
// claim file goes is refused, and what it points at is left alone.
func TestLockFilesAreNotFollowedThroughLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o600))
	d := Dir{Path: dir}
	require.NoError(t, os.Symlink(victim, d.file("budget")))
	_, _, err := d.TryAcquire("budget")
	require.ErrorIs(t, err, safefs.ErrLink)

	c := Claims{Dir: Dir{Path: filepath.Join(dir, "memory")}}
	require.NoError(t, EnsureDir(c.Dir.Path))
	require.NoError(t, os.Symlink(victim, filepath.Join(c.Dir.Path, "env.claim.lock")))
	_, _, err = c.Claim(t.Context(), "env", 1, func([]Claimed) (bool, error) { return true, nil })
	require.ErrorIs(t, err, safefs.ErrLink)
	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(got))
}
