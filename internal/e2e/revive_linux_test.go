package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A daemon restart stops every container; the environment comes back in
// place. With a daemon the test starts itself: a stack acquired with
// berth up --ttl 10m (api on a fixed host port, db on an ephemeral one),
// the daemon stopped (SIGTERM to its pid) and started again on the same
// data root; the first holder's endpoints are refused; then the next
// berth run of the stack passes its check (it started the containers
// again, the same ones, and said so), and the first holder's fixed-port
// endpoint answers again.
func TestDaemonRestartRevivesTheEnvironmentInPlace(t *testing.T) {
	d, w, file, held, first, before := upThenRestartDaemon(t)

	begin := time.Now()
	run := w.run(append([]string{"run", "-p", w.project, "-f", file, "--"}, checkCmd()...)...)
	took := time.Since(begin)
	require.Equal(t, 0, run.code, "berth run after the daemon restart: %s%s", run.stdout, run.stderr)
	assert.Contains(t, run.stdout, "ready ")
	assert.Contains(t, run.stderr, "was stopped by a daemon restart; started again: api, db")
	t.Logf("berth run after the daemon restart passed its check in %s; it said:\n%s", took.Round(time.Millisecond), run.stderr)
	assert.Equal(t, before, w.containers(held["BERTH_ENV"]), "the same containers, started again in place")
	assert.NoError(t, d.probe(first), "the first holder's fixed-port endpoint answers again")
	// berth env shows the endpoints as they are now (an ephemeral port the
	// daemon handed out anew included): the ones the run's check used.
	var used map[string]string
	_, after, _ := strings.Cut(run.stdout, "ready ")
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(after)), &used), "check's output: %s", run.stdout)
	env := w.run("env", "--env", held["BERTH_ENV"], "--format", "dotenv")
	require.Equal(t, 0, env.code, "berth env: %s", env.stderr)
	shown := dotenv(env.stdout)
	for k, v := range used {
		assert.Equal(t, v, shown[k], "berth env's %s", k)
	}
	assert.Equal(t, "18080", shown["BERTH_API_PORT"])
	t.Logf("db's port: %s before the restart, %s after", held["BERTH_DB_PORT"], shown["BERTH_DB_PORT"])

	down := w.run("down", "--lease", held["BERTH_LEASE"], "--now")
	assert.Equal(t, 0, down.code, "berth down: %s", down.stderr)
}

// upThenRestartDaemon starts a daemon of the test's own, acquires the
// revive stack on it with berth up --ttl 10m, checks that it answers,
// stops the daemon (SIGTERM) and starts it again, and checks that the
// first holder's endpoint is refused. It returns the holder's dotenv
// output, its fixed-port endpoint alone, and the containers' IDs.
func upThenRestartDaemon(t *testing.T) (d *ownDaemon, w *world, file string, held, first map[string]string, before []string) {
	t.Helper()
	d = startOwnDaemon(t)
	w = d.world(t)
	file = testdata("revive.yaml")
	up := w.run("up", "-p", w.project, "-f", file, "--ttl", "10m", "--format", "dotenv")
	require.Equal(t, 0, up.code, "berth up: %s", up.stderr)
	held = dotenv(up.stdout)
	require.Equal(t, "18080", held["BERTH_API_PORT"], "api's fixed port: %v", held)
	first = map[string]string{"BERTH_API_HOST": held["BERTH_API_HOST"], "BERTH_API_PORT": held["BERTH_API_PORT"]}
	require.NoError(t, d.probe(held), "the stack answers once up")
	before = w.containers(held["BERTH_ENV"])

	d.stop()
	d.start()
	require.Error(t, d.probe(first), "a daemon restart stops the first holder's services")
	return d, w, file, held, first, before
}

// What berth serve does when the daemon answers again, in a process of
// its own: Manager.Revive brings the environment back before any runner
// asks, from the daemon's view alone (the order from the containers'
// labels); the first holder's endpoint answers, and the next berth run
// finds the environment healthy (nothing left to revive).
func TestDaemonRestartManagerReviveBringsItBack(t *testing.T) {
	d, w, file, held, first, before := upThenRestartDaemon(t)

	begin := time.Now()
	cmd := w.berth()
	cmd.Env = append(cmd.Env, roleEnv+"=revive", "DOCKER_HOST=unix://"+d.sock)
	r, err := runCmd(cmd)
	took := time.Since(begin)
	require.NoError(t, err)
	require.Equal(t, 0, r.code, "Manager.Revive: %s", r.stderr)
	var got revived
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &got), "its output: %s", r.stdout)
	assert.Equal(t, revived{Env: held["BERTH_ENV"], Services: []string{"api", "db"}}, got)
	t.Logf("Manager.Revive brought the environment back in %s", took.Round(time.Millisecond))
	assert.NoError(t, d.probe(first), "the first holder's fixed-port endpoint answers again")
	assert.Equal(t, before, w.containers(held["BERTH_ENV"]), "the same containers")

	run := w.run(append([]string{"run", "-p", w.project, "-f", file, "--"}, checkCmd()...)...)
	require.Equal(t, 0, run.code, "berth run: %s%s", run.stdout, run.stderr)
	assert.NotContains(t, run.stderr, "stopped by a daemon restart", "already back")

	down := w.run("down", "--lease", held["BERTH_LEASE"], "--now")
	assert.Equal(t, 0, down.code, "berth down: %s", down.stderr)
}
