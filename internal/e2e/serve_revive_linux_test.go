package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDaemonRestartServeBringsItBackBeforeAnyRunner: with berth serve
// running on a daemon the test starts itself, a stack acquired with
// berth up --ttl 10m, the daemon stopped and started again: serve brings
// the environment back (Manager.Revive, when the daemon answers again)
// before any runner asks, within 15 s of the daemon's return, and the
// first holder's fixed-port endpoint answers again.
func TestDaemonRestartServeBringsItBackBeforeAnyRunner(t *testing.T) {
	d := startOwnDaemon(t)
	w := d.world(t)
	file := testdata("revive.yaml")
	up := w.run("up", "-p", w.project, "-f", file, "--ttl", "10m", "--format", "dotenv")
	require.Equal(t, 0, up.code, "berth up: %s", up.stderr)
	held := dotenv(up.stdout)
	first := map[string]string{"BERTH_API_HOST": held["BERTH_API_HOST"], "BERTH_API_PORT": held["BERTH_API_PORT"]}
	require.NoError(t, d.probe(first), "the stack answers once up")
	before := w.containers(held["BERTH_ENV"])
	s := w.startServe(t, nil, "--no-gc")

	d.stop()
	d.start()
	took, ok := untilTrue(15*time.Second, func() bool { return d.probe(first) == nil })
	require.True(t, ok, "serve did not bring the environment back within 15 s of the daemon's return; its log:\n%s", s.logText())
	t.Logf("the first holder's endpoint answered %s after the daemon was back, no runner asking", took.Round(100*time.Millisecond))
	// Revive logs once its health waits end, which can be after the
	// endpoint answers.
	_, logged := untilTrue(30*time.Second, func() bool {
		return strings.Contains(s.logText(), "environment stopped by a daemon restart is back")
	})
	assert.True(t, logged, "serve logs the environment back; its log:\n%s", s.logText())
	assert.Equal(t, before, w.containers(held["BERTH_ENV"]), "the same containers, started again in place")

	down := w.run("down", "--lease", held["BERTH_LEASE"], "--now")
	assert.Equal(t, 0, down.code, "berth down: %s", down.stderr)
}
