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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest/opsproxy"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
	storepg "github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

// hostRole makes this binary a simulated host's first process: it takes
// host name $HOST, starts $RUNNERS berth runs at once (the args after "--"
// of its command line, in the berth role), prints "ready K" once every
// runner's check is ready or has failed (K ready), waits for its stdin to
// close, then lets the runners finish and prints "done" and their exit
// codes.
const hostRole = "host"

func runHost() int {
	if err := syscall.Sethostname([]byte(os.Getenv("HOST"))); err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		return 1
	}
	var n int
	fmt.Sscan(os.Getenv("RUNNERS"), &n)
	args := os.Args[1:]
	cmds := make([]*exec.Cmd, n)
	stdins := make([]io.WriteCloser, n)
	var ready atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), roleEnv+"=berth")
		cmd.Stderr = os.Stderr
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "host:", err)
			return 1
		}
		cmds[i], stdins[i] = cmd, in
		wg.Go(func() {
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "ready ") {
				fmt.Fprintf(os.Stderr, "host %s: runner %d not ready: %q %v\n", os.Getenv("HOST"), i, line, err)
				_ = in.Close()
			} else {
				ready.Add(1)
			}
			go func() { _, _ = io.Copy(io.Discard, out) }()
		})
	}
	wg.Wait()
	fmt.Println("ready", ready.Load())
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
	name  string
	n     int
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// launchHost starts host name with n runners of berth args, each in the
// host's namespaces (with a /proc of its own, as a container has: berth
// reads its own start time there), with state directory state (a private one when
// empty); it does not wait for them (see [simHost.ready]).
func (w *world) launchHost(t *testing.T, name, state string, n int, args ...string) *simHost {
	t.Helper()
	if state == "" {
		state = t.TempDir()
	}
	berth := w.berth(args...) // for its environment
	cmd := exec.Command("unshare", append([]string{"--pid", "--uts", "--mount", "--mount-proc", "--fork", "--kill-child", "--", os.Args[0]}, args...)...)
	cmd.Env = append(berth.Env, roleEnv+"="+hostRole, "HOST="+name, fmt.Sprint("RUNNERS=", n), "BERTH_STATE_DIR="+state)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	h := &simHost{name: name, n: n, cmd: cmd, stdin: in, out: lineReader(t, cmd)}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return h
}

// ready waits until every runner of h is ready or failed and returns how
// many are ready.
func (h *simHost) ready(t *testing.T) int {
	t.Helper()
	line, err := h.out.ReadString('\n')
	require.NoError(t, err, "host %s", h.name)
	var k int
	_, err = fmt.Sscanf(line, "ready %d\n", &k)
	require.NoError(t, err, "host %s: %q", h.name, line)
	return k
}

// startHosts launches one host per name with n runners each, all at once,
// and requires every runner of every host to be ready.
func (w *world) startHosts(t *testing.T, names []string, n int, args ...string) map[string]*simHost {
	t.Helper()
	hosts := map[string]*simHost{}
	for _, name := range names {
		hosts[name] = w.launchHost(t, name, "", n, args...)
	}
	for _, name := range names {
		require.Equal(t, n, hosts[name].ready(t), "runners of %s ready", name)
	}
	return hosts
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

// TestHostsShareOneStoreAndOneDies: 3 simulated hosts × 3 berth run, all
// started at once, on the demo stack share one environment through one
// PostgreSQL store; every service is created once. With
// BERTH_MAX_CONCURRENT_OPS=4 the daemon (a counting proxy on its socket,
// which every host's berth uses) never sees more than 4 mutating calls at
// once (pulls and builds aside: slots of their own), stops and readiness
// probes' execs included. SIGKILL of everything on host C (its PID namespace dies): its 3
// leases are judged dead from host A, the runners of A and B finish
// unaffected, and with linger 0 nothing is left once the last live lease
// goes.
func TestHostsShareOneStoreAndOneDies(t *testing.T) {
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		t.Skip("simulated hosts need root and unshare (util-linux)")
	}
	w := newWorld(t)
	proxy := w.opsProxy(t)
	w.env = append(w.env, "BERTH_STORE="+storeDatabase(t), "BERTH_MAX_CONCURRENT_OPS=4")
	log := w.watch()
	args := append([]string{"run", "-p", w.project, "-f", demo(), "--"}, checkCmd()...)
	hosts := w.startHosts(t, []string{"host-a", "host-b", "host-c"}, 3, args...)
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
	seen := proxy.Counts()
	t.Logf("at the daemon: peak %d slot-holding calls, %d mutating calls but pulls and builds (%v), %d mutating calls at once; calls %v",
		seen.PeakSlot, seen.PeakLimited, seen.AtPeakLimited, seen.PeakMutating, seen.Calls)
	assert.Equal(t, 6, seen.Calls[engine.OpContainerCreate], "every create went through the proxy")
	// Every mutating call (stops and probes' execs included) but pulls and
	// builds, which have slots of their own.
	assert.LessOrEqual(t, seen.PeakLimited, 4, "BERTH_MAX_CONCURRENT_OPS=4 across the three hosts")
	assert.Zero(t, seen.Calls[opsproxy.OtherWrite], "a write no gate op makes")
}
