package statedir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOverrideIsEveryDirectory(t *testing.T) {
	dir := t.TempDir()
	l, err := New(dir)
	require.NoError(t, err)
	assert.Equal(t, dir, l.Daemon("A:B"))
	assert.Equal(t, dir, l.Endpoint("unix:///var/run/docker.sock"))
}

func TestDefaultKeysByDaemonAndEndpoint(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	l, err := New("")
	require.NoError(t, err)
	d := l.Daemon("LISL:5DIN:P2AI")
	assert.Equal(t, "LISL_5DIN_P2AI", filepath.Base(d), "colons are not portable in paths")
	assert.Equal(t, "berth", filepath.Base(filepath.Dir(d)))
	e := l.Endpoint("unix:///var/run/docker.sock")
	assert.Equal(t, "unix____var_run_docker.sock", filepath.Base(e))
	assert.NotEqual(t, l.Endpoint("tcp://a:2375"), e)
}

// TestIDIsWrittenOnceAndReadWherever: the first call writes the ID, later
// calls (and another path to the same directory) read the same one.
func TestIDIsWrittenOnceAndReadWherever(t *testing.T) {
	dir := t.TempDir()
	id, err := ID(dir)
	require.NoError(t, err)
	require.Len(t, id, 24)
	again, err := ID(dir)
	require.NoError(t, err)
	assert.Equal(t, id, again)
	link := filepath.Join(t.TempDir(), "mounted-elsewhere")
	require.NoError(t, os.Symlink(dir, link))
	other, err := ID(link)
	require.NoError(t, err)
	assert.Equal(t, id, other, "the same directory at another path")

	fresh := t.TempDir()
	ids := make(chan string, 8)
	for range 8 {
		go func() {
			id, err := ID(fresh)
			assert.NoError(t, err)
			ids <- id
		}()
	}
	first := <-ids
	for range 7 {
		assert.Equal(t, first, <-ids, "racing writers agree on one ID")
	}
}
