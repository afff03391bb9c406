//go:build linux

package e2e

// Many hosts, simulated honestly (issue 12): each "host" is a PID, UTS and
// mount namespace of its own (unshare) with its own host name and private
// state directory, all against the one daemon and one PostgreSQL store
// (BERTH_STORE). Needs root and util-linux's unshare.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
	storepg "github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

// hostRole makes this binary a simulated host's first process: it takes
// host name $HOST, starts $RUNNERS berth runs (the args after "--" of its
// command line, in the berth role), prints "ready" once every runner's
// check is ready, waits for its stdin to close, then lets the runners
// finish and prints "done" and their exit codes.
const hostRole = "host"

func runHost() int {
	if err := syscall.Sethostname([]byte(os.Getenv("HOST"))); err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		return 1
	}
	var n int
	fmt.Sscan(os.Getenv("RUNNERS"), &n)
	args := os.Args[1:]
	var cmds []*exec.Cmd
	var stdins []io.WriteCloser
	for range n {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), roleEnv+"=berth")
		cmd.Stderr = os.Stderr
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "host:", err)
			return 1
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "ready ") {
			fmt.Fprintln(os.Stderr, "host: runner not ready:", line, err)
			return 1
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		cmds, stdins = append(cmds, cmd), append(stdins, in)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, in := range stdins {
		_ = in.Close()
	}
	codes := make([]string, len(cmds))
	for i, cmd := range cmds {
		_ = cmd.Wait()
		codes[i] = fmt.Sprint(cmd.ProcessState.ExitCode())
	}
	fmt.Println("done", strings.Join(codes, " "))
	return 0
}

// simHost is a simulated host started by a test.
type simHost struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// startHost starts host name with n runners of berth args, each in the
// host's namespaces with a state directory of its own, and waits until
// they are all ready.
func (w *world) startHost(t *testing.T, name string, n int, args ...string) *simHost {
	t.Helper()
	berth := w.berth(args...) // for its environment
	cmd := exec.Command("unshare", append([]string{"--pid", "--uts", "--mount", "--fork", "--kill-child", "--", os.Args[0]}, args...)...)
	cmd.Env = append(berth.Env, roleEnv+"="+hostRole, "HOST="+name, fmt.Sprint("RUNNERS=", n), "BERTH_STATE_DIR="+t.TempDir())
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	h := &simHost{cmd: cmd, stdin: in, out: lineReader(t, cmd)}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := h.out.ReadString('\n')
	require.NoError(t, err, "host %s", name)
	require.Equal(t, "ready\n", line, "host %s", name)
	return h
}

// finish lets the host's runners end and returns their exit codes.
func (h *simHost) finish(t *testing.T) string {
	t.Helper()
	require.NoError(t, h.stdin.Close())
	line, err := h.out.ReadString('\n')
	require.NoError(t, err)
	require.NoError(t, h.cmd.Wait())
	return strings.TrimSpace(line)
}

// storeDatabase makes a database of this test's own on the test server
// and returns its DSN; it is dropped when the test ends.
func storeDatabase(t *testing.T) string {
	t.Helper()
	return storepg.Database(t, pgtest.DSN(t))
}

// TestHostsShareOneStoreAndOneDies: 3 simulated hosts × 3 berth run on the
// demo stack share one environment through one PostgreSQL store; every
// service is created once. SIGKILL of everything on host C (its PID
// namespace dies): its 3 leases are judged dead from host A, the runners
// of A and B finish unaffected, and with linger 0 nothing is left once the
// last live lease goes.
func TestHostsShareOneStoreAndOneDies(t *testing.T) {
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		t.Skip("simulated hosts need root and unshare (util-linux)")
	}
	w := newWorld(t)
	w.env = append(w.env, "BERTH_STORE="+storeDatabase(t))
	log := w.watch()
	args := append([]string{"run", "-p", w.project, "-f", demo(), "--"}, checkCmd()...)
	hosts := map[string]*simHost{}
	for _, name := range []string{"host-a", "host-b", "host-c"} {
		hosts[name] = w.startHost(t, name, 3, args...)
	}
	live, envs := w.liveLeases(t)
	require.Equal(t, 9, live, "3 hosts × 3 runners")
	require.Len(t, envs, 1, "one shared environment")

	require.NoError(t, hosts["host-c"].cmd.Process.Kill()) // unshare dies; --kill-child kills host C's init, and the kernel the rest
	killed := time.Now()
	for live > 6 && time.Since(killed) < 30*time.Second {
		live, _ = w.liveLeases(t)
	}
	dead := time.Since(killed)
	t.Logf("host C's leases judged dead %v after its SIGKILL", dead.Round(time.Millisecond))
	require.Equal(t, 6, live, "host C's 3 leases dead within 30 s, the others live")

	assert.Equal(t, "done 0 0 0", hosts["host-a"].finish(t))
	assert.Equal(t, "done 0 0 0", hosts["host-b"].finish(t))
	counts := creates(log.finish(t, w.e))
	for _, svc := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, counts[svc], "creates of %s", svc)
	}
	assert.Empty(t, w.leftovers(context.Background()), "linger 0: gone with the last live lease")
}
