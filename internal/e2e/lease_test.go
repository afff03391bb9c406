package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// TestLeaseHeldFromAContainer: a runner inside a container (the static
// berth FROM busybox, the Docker socket and the one state directory
// bind-mounted at another path than on the host, host networking) holds a
// shared environment while berth gc and berth run of other runners, from
// the host and from a second such container, go on for 20 s with a linger
// of 1 s: no container of the environment is stopped or removed, and the
// runner's call at the end succeeds. Its PID means nothing on the host;
// its lease's lock is what counts.
func TestLeaseHeldFromAContainer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	image := berthImage(t, w.e)
	file := testdata("small.yaml")
	runner := w.runnerContainer(t, image, w.project+"-runner", "/mnt/berth-state", file, "1s",
		"berth", "run", "-p", w.project, "-f", file, "--", "sh", "-c",
		`echo started; read _; wget -q -O- "http://$BERTH_WEB_HOST:$BERTH_WEB_PORT/healthz" && echo call-ok`)
	stdin, err := runner.StdinPipe()
	require.NoError(t, err)
	out := lineReader(t, runner)
	runner.Stderr = os.Stderr
	require.NoError(t, runner.Start())
	awaitLine(t, out, "started")

	log := w.watch()
	rounds := w.churn(t, holdFor, file, image)
	require.NoError(t, stdin.Close())
	awaitLine(t, out, "call-ok")
	require.Equal(t, 0, exitCode(t, runner.Wait()), "the runner's command succeeded")
	assert.Empty(t, stops(log.finish(t, w.e)), "no container of the held environment was stopped or removed")
	t.Logf("%d rounds of gc and run from the host and a second container in %s", rounds, holdFor)
}

// TestLeaseHeldFromAPIDNamespace: the same with a runner under unshare
// --pid --fork --mount-proc instead of a container.
func TestLeaseHeldFromAPIDNamespace(t *testing.T) {
	t.Parallel()
	requireUnshare(t)
	w := newWorld(t)
	file := testdata("small.yaml")
	runner := w.unshared(t, []string{"--pid"}, "run", "-p", w.project, "-f", file, "--", "env", roleEnv+"=check-late", os.Args[0])
	runner.Env = append(runner.Env, "BERTH_LINGER=1s") // its own release leaves it lingering, as the others' do
	stdin, err := runner.StdinPipe()
	require.NoError(t, err)
	out := lineReader(t, runner)
	require.NoError(t, runner.Start())
	t.Cleanup(func() { _ = runner.Process.Kill(); _ = runner.Wait() })
	awaitLine(t, out, "started")

	log := w.watch()
	rounds := w.churn(t, holdFor, file, "")
	require.NoError(t, stdin.Close())
	awaitLine(t, out, "ready ")
	require.Equal(t, 0, exitCode(t, runner.Wait()), "the runner's command succeeded")
	assert.Empty(t, stops(log.finish(t, w.e)), "no container of the held environment was stopped or removed")
	t.Logf("%d rounds of gc and run from the host in %s", rounds, holdFor)
}

// TestKilledRunnerInAnotherNamespaceAndHostIsCleaned: a runner in its own
// PID and UTS namespace under another host name, killed with SIGKILL (the
// namespace's PID 1, so all of it goes): its environment is gone within
// 30 s of the next berth gc on the host. Judged by PID and host name it
// would have looked live forever ("another host: cannot check").
func TestKilledRunnerInAnotherNamespaceAndHostIsCleaned(t *testing.T) {
	requireUnshare(t)
	w := newWorld(t)
	file := testdata("small.yaml")
	path, err := exec.LookPath("unshare")
	require.NoError(t, err)
	runner := w.berth()
	script := `hostname berth-elsewhere && exec "$0" run -p "$1" -f "$2" -- env ` + roleEnv + `=check "$0"`
	runner.Path = path
	runner.Args = []string{"unshare", "--pid", "--uts", "--fork", "--mount-proc", "sh", "-c", script, os.Args[0], w.project, file}
	_, err = runner.StdinPipe() // held open: check waits on it
	require.NoError(t, err)
	out := lineReader(t, runner)
	require.NoError(t, runner.Start())
	awaitLine(t, out, "ready ")
	ps := w.run("ps")
	require.Contains(t, ps.stdout, "on berth-elsewhere", "the lease's holder shows its own host name")

	killNamespace(t, runner)
	w.gcTakesItDown(t, "SIGKILL of the namespace")
}

// TestKilledRunnerContainerIsCleaned: the same for a runner container
// killed with docker kill.
func TestKilledRunnerContainerIsCleaned(t *testing.T) {
	w := newWorld(t)
	image := berthImage(t, w.e)
	file := testdata("small.yaml")
	runner := w.runnerContainer(t, image, w.project+"-runner", "/mnt/berth-state", file, "0s",
		"berth", "run", "-p", w.project, "-f", file, "--", "sh", "-c", "echo started; read _")
	_, err := runner.StdinPipe()
	require.NoError(t, err)
	out := lineReader(t, runner)
	require.NoError(t, runner.Start())
	awaitLine(t, out, "started")

	require.NoError(t, exec.Command("docker", "kill", w.project+"-runner").Run())
	_ = runner.Wait()
	w.gcTakesItDown(t, "docker kill")
}

// TestParentlessUp: berth up as PID 1 of a PID namespace (parent PID 0)
// is refused with exit 2 before any Docker call, saying why and naming
// --ttl and --holder-pid; nothing is created. With --ttl 5s it succeeds
// and the lease is judged dead 5 s after it was taken.
func TestParentlessUp(t *testing.T) {
	requireUnshare(t)
	w := newWorld(t)
	file := testdata("small.yaml")
	refused := w.unshared(t, []string{"--pid"}, "up", "-p", w.project, "-f", file)
	out, err := refused.CombinedOutput()
	assert.Equal(t, 2, exitCode(t, err), "%s", out)
	assert.Contains(t, string(out), "no parent process")
	assert.Contains(t, string(out), "--ttl")
	assert.Contains(t, string(out), "--holder-pid")
	assert.Empty(t, w.leftovers(context.Background()), "nothing created")

	up := w.unshared(t, []string{"--pid"}, "up", "-p", w.project, "-f", file, "--ttl", "5s")
	out, err = up.CombinedOutput()
	taken := time.Now()
	require.Equal(t, 0, exitCode(t, err), "%s", out)
	live, _ := w.liveLeases(t)
	require.Equal(t, 1, live, "live within its TTL")
	for live > 0 && time.Since(taken) < 30*time.Second {
		live, _ = w.liveLeases(t)
	}
	dead := time.Since(taken)
	t.Logf("the --ttl 5s lease was first seen dead %s after up returned", dead.Round(time.Millisecond))
	assert.Zero(t, live)
	// Taken before up returned; each look is a whole berth ps (a second
	// or more when the daemon is busy).
	assert.GreaterOrEqual(t, dead, 4500*time.Millisecond, "live for its 5 s")
	assert.Less(t, dead, 15*time.Second, "dead once its 5 s are over")
}

// TestUpUnderAShellAsPID1: sh -c 'berth up ... && wait' as PID 1 of a PID
// namespace: up's parent is that PID 1 (an entrypoint shell), a real
// holder: its keeper holds the lease for as long as the shell lives (20 s
// here, with gc runs from the host all along) and lets it go when the
// namespace ends.
func TestUpUnderAShellAsPID1(t *testing.T) {
	t.Parallel()
	requireUnshare(t)
	w := newWorld(t)
	file := testdata("small.yaml")
	path, err := exec.LookPath("unshare")
	require.NoError(t, err)
	sh := w.berth()
	sh.Path = path
	sh.Args = []string{"unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
		`"$0" up -p "$1" -f "$2" >/dev/null && echo up-ok && read _ || true`, os.Args[0], w.project, file}
	stdin, err := sh.StdinPipe()
	require.NoError(t, err)
	out := lineReader(t, sh)
	require.NoError(t, sh.Start())
	t.Cleanup(func() { _ = sh.Process.Kill(); _ = sh.Wait() })
	awaitLine(t, out, "up-ok")

	end := time.Now().Add(holdFor)
	for time.Now().Before(end) {
		r := w.run("gc")
		require.Equal(t, 0, r.code, r.stderr)
		live, _ := w.liveLeases(t)
		require.Equal(t, 1, live, "held while the shell lives")
	}
	require.NotEmpty(t, w.leftovers(context.Background()))
	require.NoError(t, stdin.Close())
	require.NoError(t, sh.Wait())
	// The namespace is gone, and its keeper with it.
	r := w.run("gc")
	require.Equal(t, 0, r.code, r.stderr)
	live, _ := w.liveLeases(t)
	assert.Zero(t, live)
	assert.Empty(t, w.leftovers(context.Background()), "linger 0: gone once the holder is")
}

// TestDownNowLeavesAnotherStatesEnvironment: A and B, two state
// directories, one compose file. A's berth down --now with B's
// environment running leaves it untouched, and tells A why.
func TestDownNowLeavesAnotherStatesEnvironment(t *testing.T) {
	w := newWorld(t)
	file := testdata("small.yaml")
	b := w.run("up", "-p", w.project, "-f", file, "--json")
	require.Equal(t, 0, b.code, b.stderr)
	var up struct{ Env string }
	require.NoError(t, json.Unmarshal([]byte(b.stdout), &up))

	bState := w.state
	w.state = t.TempDir() // A
	a := w.run("down", "-p", w.project, "-f", file, "--now")
	w.state = bState
	assert.Equal(t, 0, a.code, a.stderr)
	assert.Contains(t, a.stderr, "another berth state directory")
	assert.Contains(t, a.stderr, up.Env)
	assert.Equal(t, "running", w.container(t, up.Env, "web").State.Status, "B's environment is untouched")
	live, _ := w.liveLeases(t)
	assert.Equal(t, 1, live, "B still holds its lease")

	down := w.run("down", "-p", w.project, "-f", file, "--now")
	require.Equal(t, 0, down.code, down.stderr)
	assert.Empty(t, w.leftovers(context.Background()))
}

// TestLongProjectName: a 250-character project name (compose allows it)
// goes into lock and file names bounded: up acquires, down releases and
// takes it down, on the daemon.
func TestLongProjectName(t *testing.T) {
	w := newWorld(t)
	file := testdata("small.yaml")
	project := w.project + strings.Repeat("p", 250-len(w.project))
	// Not under the world's prefix (project + "-"): its own cleanup.
	t.Cleanup(func() { w.run("down", "-p", project, "-f", file, "--now") })
	up := w.run("up", "-p", project, "-f", file, "--json")
	require.Equal(t, 0, up.code, up.stderr)
	var a struct{ Env string }
	require.NoError(t, json.Unmarshal([]byte(up.stdout), &a))
	require.True(t, strings.HasPrefix(a.Env, project+"-"), a.Env)
	down := w.run("down", "-p", project, "-f", file, "--now")
	require.Equal(t, 0, down.code, down.stderr)
	assert.Contains(t, down.stdout, "released 1 lease(s)")
	cs, err := w.e.ContainerList(context.Background(), engine.ListFilter{All: true, Labels: map[string]string{labels.Env: a.Env}})
	require.NoError(t, err)
	assert.Empty(t, cs, "taken down")
}
