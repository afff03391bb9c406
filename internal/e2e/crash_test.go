package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKilledRunIsCleanedByGC: kill -9 of a running berth run and its whole
// process group, then berth gc: the environment is gone within 30 s,
// grace periods included.
func TestKilledRunIsCleanedByGC(t *testing.T) {
	w := newWorld(t)
	cmd := w.berth(append([]string{"run", "-p", w.project, "-f", demo(), "--"}, checkCmd()...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	_, err := cmd.StdinPipe() // held open: the check command waits on it
	require.NoError(t, err)
	out := lineReader(t, cmd)
	require.NoError(t, cmd.Start())
	line, err := out.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(line, "ready "), line)

	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	_ = cmd.Wait()
	require.NotEmpty(t, w.leftovers(context.Background()), "the killed run left its environment")

	start := time.Now()
	r := w.run("gc")
	require.Equal(t, 0, r.code, r.stderr)
	took := time.Since(start)
	t.Logf("berth gc after kill -9 took %s: %s", took.Round(time.Millisecond), strings.TrimSpace(r.stdout))
	assert.Contains(t, r.stdout, "took down 1 environment(s)")
	assert.Empty(t, w.leftovers(context.Background()))
	assert.Less(t, took, 30*time.Second)
}

// TestStateDirLostWhileRunning: with the state directory deleted while an
// environment runs, berth run reuses it (no new container) and berth ps
// shows it.
func TestStateDirLostWhileRunning(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=10m") // stays up between the steps
	up := w.run("up", "-p", w.project, "-f", demo(), "--holder-pid", "1", "--json")
	require.Equal(t, 0, up.code, up.stderr)

	entries, err := os.ReadDir(w.state)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	require.NoError(t, os.RemoveAll(w.state))
	require.NoError(t, os.MkdirAll(w.state, 0o700))
	_, err = os.Stat(filepath.Join(w.state, "berth.db"))
	require.True(t, os.IsNotExist(err))

	ps := w.run("ps")
	require.Equal(t, 0, ps.code, ps.stderr)
	assert.Contains(t, ps.stdout, w.project+"-", "ps finds the environment by its labels")

	log := w.watch()
	rs := w.startRunners(t, 1, "-f", demo())
	finish(t, rs)
	assert.Empty(t, creates(log.finish(t, w.e)), "the running environment was reused: no container created")

	ps = w.run("ps")
	assert.Contains(t, ps.stdout, w.project+"-")
	down := w.run("down", "-p", w.project, "-f", demo(), "--now")
	require.Equal(t, 0, down.code, down.stderr)
	assert.Empty(t, w.leftovers(context.Background()))
}

// TestRunForwardsSIGTERMAndReleases: SIGTERM to berth run reaches the
// command; berth run exits with the command's status (128+15) and releases
// its lease, so with linger 0 the environment is torn down.
func TestRunForwardsSIGTERMAndReleases(t *testing.T) {
	w := newWorld(t)
	cmd := w.berth(append([]string{"run", "-p", w.project, "-f", testdata("fixed-ports.yaml"), "--"}, checkCmd()...)...)
	_, err := cmd.StdinPipe() // held open: the check command waits on it
	require.NoError(t, err)
	out := lineReader(t, cmd)
	require.NoError(t, cmd.Start())
	line, err := out.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(line, "ready "), line)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 143, ee.ExitCode(), "the command's death by SIGTERM, as a shell reports it")
	assert.Empty(t, w.leftovers(context.Background()), "released and torn down")
	live, _ := w.liveLeases(t)
	assert.Zero(t, live)
}
