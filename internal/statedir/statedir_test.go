package statedir

import (
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
