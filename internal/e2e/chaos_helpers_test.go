package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chaosRand is the chaos tests' source of randomness: seeded from
// BERTH_CHAOS_SEED when set (to replay a failure), else from the clock;
// the seed is logged either way.
func chaosRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("BERTH_CHAOS_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "BERTH_CHAOS_SEED")
	}
	t.Logf("chaos seed %d (replay with BERTH_CHAOS_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed))
}

// chaosRunner is one `berth run -- check` process in its own process
// group (a kill takes its check command with it), watched from the start:
// ready delivers the check's endpoint variables once (closed without a
// value if it never gets ready), done closes when the process has exited.
type chaosRunner struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ready chan map[string]string
	done  chan struct{}
	vars  map[string]string // set once ready has delivered

	// set before done closes
	code   int
	stderr strings.Builder
}

func (w *world) startChaosRunner(t *testing.T, flags ...string) *chaosRunner {
	t.Helper()
	args := append(append([]string{"run", "-p", w.project}, flags...), "--")
	cmd := w.berth(append(args, checkCmd()...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r := &chaosRunner{cmd: cmd, ready: make(chan map[string]string, 1), done: make(chan struct{})}
	cmd.Stderr = &r.stderr
	var err error
	r.stdin, err = cmd.StdinPipe()
	require.NoError(t, err)
	out := lineReader(t, cmd)
	require.NoError(t, cmd.Start())
	go func() {
		defer close(r.done)
		line, _ := out.ReadString('\n')
		var vars map[string]string
		if payload, ok := strings.CutPrefix(line, "ready "); ok && json.Unmarshal([]byte(payload), &vars) == nil {
			r.ready <- vars
		}
		close(r.ready)
		_, _ = io.Copy(io.Discard, out)
		r.code = exitStatus(cmd.Wait())
	}()
	return r
}

// exitStatus is the exit code a shell would report for a Wait error.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return -1
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// awaitReady waits until the runner's check is running and returns its
// endpoints, or fails the test with how the runner ended.
func (r *chaosRunner) awaitReady(t *testing.T, name string) map[string]string {
	t.Helper()
	select {
	case vars, ok := <-r.ready:
		if ok {
			r.vars = vars
			return vars
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("%s: not ready after 3 minutes", name)
	}
	<-r.done
	t.Fatalf("%s never got ready: exit %d: %s", name, r.code, r.stderr.String())
	return nil
}

// kill sends SIGKILL to the runner's whole process group.
func (r *chaosRunner) kill() { _ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL) }

// isReady reports, without waiting, whether the runner had got ready.
func (r *chaosRunner) isReady() bool {
	select {
	case vars, ok := <-r.ready:
		if ok {
			r.vars = vars
		}
		return ok
	default:
		return r.vars != nil
	}
}

// finish closes the runner's stdin (its check command returns) and waits
// for the process to end.
func (r *chaosRunner) finish() {
	_ = r.stdin.Close()
	<-r.done
}

// cleanExit judges how a berth process ended: 0, or one of the documented
// failure codes with a message; never a panic or a runtime crash.
func cleanExit(code int, stderr string) error {
	for _, crash := range []string{"panic:", "fatal error:", "goroutine "} {
		if strings.Contains(stderr, crash) {
			return fmt.Errorf("exit %d with a crash (%q): %s", code, crash, stderr)
		}
	}
	switch code {
	case 0:
		return nil
	case 1, 2, 3, 4, 5:
		if strings.TrimSpace(stderr) == "" {
			return fmt.Errorf("exit %d without a message", code)
		}
		return nil
	default:
		return fmt.Errorf("exit %d is not a documented exit code: %s", code, stderr)
	}
}

// endpointsAnswer asks every service's /healthz at the endpoints a check
// command was given.
func endpointsAnswer(vars map[string]string) error {
	client := &http.Client{Timeout: 5 * time.Second}
	for k, host := range vars {
		svc, ok := strings.CutSuffix(k, "_HOST")
		if !ok {
			continue
		}
		url := fmt.Sprintf("http://%s:%s/healthz", host, vars[svc+"_PORT"])
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", url, resp.Status)
		}
	}
	return nil
}
