package gate_test

// Cross-process claims, proven with real OS processes: this test binary
// re-executes itself as children (see TestMain) that each open their own
// Gate on a shared state directory.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/statedir"
)

const childRole = "BERTH_GATE_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childRole); role != "" {
		if err := runChild(role); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child starts this test binary in a role with extra environment.
func child(t *testing.T, role string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// GORACE: race-enabled children otherwise sleep 1 s at exit.
	cmd.Env = append(os.Environ(), append([]string{childRole + "=" + role, "GORACE=atexit_sleep_ms=0"}, env...)...)
	cmd.Stderr = &testWriter{t: t, prefix: role}
	return cmd
}

type testWriter struct {
	t      *testing.T
	prefix string
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s: %s", w.prefix, strings.TrimSpace(string(p)))
	return len(p), nil
}

func runChild(role string) error {
	dir := os.Getenv("STATE")
	cfg, err := config.GateFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch role {
	case "slow-calls":
		g, err := gate.New(&slowEngine{counter: lock.Dir{Path: dir}}, gate.Options{Config: cfg, Layout: statedir.Layout{Override: dir}})
		if err != nil {
			return err
		}
		for range 5 {
			if err := g.ContainerStart(ctx, "x"); err != nil {
				return err
			}
		}
		return nil
	case "hold-slot":
		g, err := gate.New(&holdEngine{}, gate.Options{Config: cfg, Layout: statedir.Layout{Override: dir}})
		if err != nil {
			return err
		}
		return g.ContainerStart(ctx, "x") // prints "holding" and never returns
	case "one-call":
		g, err := gate.New(&slowEngine{counter: lock.Dir{Path: dir}}, gate.Options{Config: cfg, Layout: statedir.Layout{Override: dir}})
		if err != nil {
			return err
		}
		fmt.Println("waiting")
		if err := g.ContainerRemove(ctx, "x", engine.RemoveOptions{}); err != nil {
			return err
		}
		fmt.Println(time.Now().UnixNano()) // when the call got its slot and ran
		return nil
	case "dead-daemon":
		return deadDaemonCalls(ctx, cfg, dir)
	}
	return fmt.Errorf("unknown role %q", role)
}

// slowEngine's ContainerStart takes 100 ms and keeps, in files shared by
// all processes, how many calls are in flight and the peak seen.
type slowEngine struct {
	engine.Engine
	counter lock.Dir
}

func (*slowEngine) Endpoint() string { return "unix:///test.sock" }

func (s *slowEngine) ContainerStart(ctx context.Context, _ string) error {
	if err := s.add(ctx, 1); err != nil {
		return err
	}
	time.Sleep(100 * time.Millisecond) // the slow Docker call being simulated
	return s.add(ctx, -1)
}

func (s *slowEngine) ContainerRemove(context.Context, string, engine.RemoveOptions) error { return nil }

func (s *slowEngine) add(ctx context.Context, d int) error {
	release, err := s.counter.Acquire(ctx, "counter")
	if err != nil {
		return err
	}
	defer release()
	now := readInt(filepath.Join(s.counter.Path, "inflight")) + d
	if err := os.WriteFile(filepath.Join(s.counter.Path, "inflight"), []byte(strconv.Itoa(now)), 0o600); err != nil {
		return err
	}
	if now > readInt(filepath.Join(s.counter.Path, "peak")) {
		return os.WriteFile(filepath.Join(s.counter.Path, "peak"), []byte(strconv.Itoa(now)), 0o600)
	}
	return nil
}

func readInt(path string) int {
	b, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(string(b))
	return n
}

// holdEngine's ContainerStart says it holds its slot, then never returns.
type holdEngine struct{ engine.Engine }

func (*holdEngine) Endpoint() string { return "unix:///test.sock" }

func (*holdEngine) ContainerStart(context.Context, string) error {
	fmt.Println("holding")
	select {}
}

// runPeak runs 8 processes of slow calls with the limit pinned at slots.
func runPeak(t *testing.T, slots int) int {
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for range 8 {
		cmd := child(t, "slow-calls", "STATE="+dir, "BERTH_MAX_CONCURRENT_OPS="+strconv.Itoa(slots), "BERTH_MIN_CONCURRENT_OPS="+strconv.Itoa(slots),
			"BERTH_OPS_PER_SECOND=10000", "BERTH_OPS_BURST=1000")
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		require.NoError(t, cmd.Wait())
	}
	assert.Equal(t, 0, readInt(filepath.Join(dir, "inflight")), "every call finished")
	return readInt(filepath.Join(dir, "peak"))
}

func TestEightProcessesNeverExceedFourSlots(t *testing.T) {
	peak := runPeak(t, 4)
	t.Logf("8 processes x 5 slow calls, 4 slots: peak %d in flight", peak)
	assert.LessOrEqual(t, peak, 4)
	assert.GreaterOrEqual(t, peak, 2, "the processes did overlap")

	// Control: the same load with 8 slots goes above 4, so the measurement
	// above can see a violation.
	control := runPeak(t, 8)
	t.Logf("control with 8 slots: peak %d in flight", control)
	assert.Greater(t, control, 4)
}

func TestKilledSlotHolderFreesItsSlotAtOnce(t *testing.T) {
	dir := t.TempDir()
	env := []string{"STATE=" + dir, "BERTH_MAX_CONCURRENT_OPS=1"}
	holder := child(t, "hold-slot", env...)
	out, err := holder.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, holder.Start())
	t.Cleanup(func() { _ = holder.Process.Kill(); _ = holder.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "holding\n", line)

	_, ok, err := lock.Dir{Path: dir}.TryAcquire("slot-0")
	require.NoError(t, err)
	require.False(t, ok, "the holder has the only slot")

	waiter := child(t, "one-call", env...)
	wout, err := waiter.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, waiter.Start())
	line, err = bufio.NewReader(wout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "waiting\n", line)

	require.NoError(t, holder.Process.Signal(syscall.SIGKILL))
	_ = holder.Wait()
	killed := time.Now()
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(wout).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		ns, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
		require.NoError(t, err, "waiter said %q", line)
		after := time.Unix(0, ns).Sub(killed)
		t.Logf("the waiting process got the slot %s after the holder was SIGKILLed", after)
		assert.Less(t, after, time.Second, "a killed holder's slot is free at once (waiters poll every <= 50 ms)")
	case <-time.After(10 * time.Second):
		t.Fatal("the slot of a SIGKILLed holder was not freed")
	}
	require.NoError(t, waiter.Wait())
	release, ok, err := lock.Dir{Path: dir}.TryAcquire("slot-0")
	require.NoError(t, err)
	require.True(t, ok, "the slot is free again")
	require.NoError(t, release())
}

// callResult is one call a dead-daemon child made.
type callResult struct {
	Micros int64  `json:"us"`
	Err    string `json:"err"`
	Open   bool   `json:"open"`
}

func deadDaemonCalls(ctx context.Context, cfg config.Gate, dir string) error {
	eng, err := docker.New(docker.Options{})
	if err != nil {
		return err
	}
	g, err := gate.New(eng, gate.Options{Config: cfg, Layout: statedir.Layout{Override: dir}})
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(os.Getenv("CALLS"))
	enc := json.NewEncoder(os.Stdout)
	for range n {
		start := time.Now()
		_, err := g.Ping(ctx)
		r := callResult{Micros: time.Since(start).Microseconds()}
		if err != nil {
			r.Err = err.Error()
			r.Open = asOpen(err)
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func asOpen(err error) bool {
	var open *gate.CircuitOpenError
	return errors.As(err, &open)
}

func deadDaemon(t *testing.T, dir string, calls int) []callResult {
	cmd := child(t, "dead-daemon", "STATE="+dir, "CALLS="+strconv.Itoa(calls),
		"DOCKER_HOST=unix://"+filepath.Join(dir, "no-daemon.sock"), "DOCKER_CONTEXT=")
	out, err := cmd.Output()
	require.NoError(t, err)
	var rs []callResult
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var r callResult
		require.NoError(t, dec.Decode(&r))
		rs = append(rs, r)
	}
	require.Len(t, rs, calls)
	return rs
}

func TestDeadDaemonOpensTheCircuitForEveryProcess(t *testing.T) {
	dir := t.TempDir()
	rs := deadDaemon(t, dir, 6)
	for i, r := range rs[:5] {
		assert.False(t, r.Open, "call %d reached the socket", i+1)
		assert.Contains(t, r.Err, "no-daemon.sock", "call %d", i+1)
	}
	sixth := rs[5]
	t.Logf("first process, 6th call: %d µs: %s", sixth.Micros, sixth.Err)
	assert.True(t, sixth.Open, "the 6th call finds the circuit open")
	assert.Less(t, sixth.Micros, int64(50_000), "an open circuit fails in under 50 ms")
	assert.Contains(t, sixth.Err, "circuit open")
	assert.Contains(t, sixth.Err, "no-daemon.sock")
	assert.Regexp(t, `until \d\d:\d\d:\d\d`, sixth.Err)

	second := deadDaemon(t, dir, 1)[0]
	t.Logf("second process, 1st call: %d µs: %s", second.Micros, second.Err)
	assert.True(t, second.Open, "a second process sees the same open circuit")
	assert.Less(t, second.Micros, int64(50_000))
}
