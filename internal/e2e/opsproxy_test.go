package e2e

import (
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest/opsproxy"
)

// opsProxy puts a counting proxy (package opsproxy) on the daemon's unix
// socket and points this world's berth processes at it (DOCKER_HOST); it
// serves until the world's own cleanup (gc through it) is done.
func (w *world) opsProxy(t *testing.T) *opsproxy.Proxy {
	t.Helper()
	u, err := url.Parse(w.e.Endpoint())
	require.NoError(t, err)
	if u.Scheme != "unix" {
		t.Skipf("the counting proxy needs the daemon on a unix socket, have %s", w.e.Endpoint())
	}
	dir, err := os.MkdirTemp("", "berth-ops") // short: a socket path is at most ~100 bytes
	require.NoError(t, err)
	p, err := opsproxy.Start(dir, u.Path)
	require.NoError(t, err)
	w.closers = append(w.closers, func() {
		assert.NoError(t, p.Close())
		_ = os.RemoveAll(dir)
	})
	w.env = append(w.env, "DOCKER_HOST="+p.Host())
	return p
}
