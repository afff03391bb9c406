package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

// world is one end-to-end test's setting: the real daemon, the test image,
// a state directory of its own and a compose project name of its own, so
// its environments and resources are exactly those whose dev.berth.env
// starts with the project name.
type world struct {
	t       *testing.T
	e       engine.Engine
	image   string
	project string
	state   string
	env     []string // extra environment for berth processes
	// wrap, when set, is the command line berth processes run under (for
	// example ip netns exec NAME): its argv comes first.
	wrap []string
	// closers run after cleanup, last first (a proxy cleanup's gc uses).
	closers []func()
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := itest.Engine(t)
	// A short, unique project name: "e2e" + a hash of this test's unique
	// ID (test name and run), so concurrent runs never share a prefix.
	sum := sha256.Sum256([]byte(itest.ID(t)))
	w := &world{t: t, e: e, image: itest.Image(t, e), state: t.TempDir(),
		project: "e2e" + hex.EncodeToString(sum[:6])}
	t.Cleanup(w.cleanup)
	return w
}

// demo is the demo stack's compose file.
func demo() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "demo", "compose.yaml")
}

func testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", name)
}

// berth returns a berth process (this binary in the berth role).
func (w *world) berth(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	if len(w.wrap) > 0 {
		cmd = exec.Command(w.wrap[0], append(append(w.wrap[1:len(w.wrap):len(w.wrap)], os.Args[0]), args...)...)
	}
	cmd.Env = append(os.Environ(), roleEnv+"=berth", "BERTH_STATE_DIR="+w.state,
		"BERTH_TESTSVC_IMAGE="+w.image, "BERTH_LINGER=0s", "GORACE=atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, w.env...)
	return cmd
}

// checkCmd is the argv of the check command, for berth run.
func checkCmd() []string { return []string{"env", roleEnv + "=check", os.Args[0]} }

// result of a finished berth process.
type result struct {
	stdout, stderr string
	code           int
}

func (w *world) run(args ...string) result {
	w.t.Helper()
	r, err := runCmd(w.berth(args...))
	require.NoError(w.t, err)
	return r
}

// runAll runs n berth processes with args at once and returns their
// results in order.
func (w *world) runAll(n int, args ...string) []result {
	w.t.Helper()
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			var err error
			if results[i], err = runCmd(w.berth(args...)); err != nil {
				results[i].code = -1
				results[i].stderr += err.Error()
			}
		})
	}
	wg.Wait()
	return results
}

// runCmd runs cmd to its end; err is set only when it could not be run
// or waited for (an exit status is the result's code).
func runCmd(cmd *exec.Cmd) (result, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code, err = ee.ExitCode(), nil
	}
	return r, err
}

// mine reports whether labels belong to this world's environments.
func (w *world) mine(l map[string]string) bool {
	return strings.HasPrefix(l[labels.Env], w.project+"-")
}

// leftovers lists this world's berth-labelled containers, networks and
// volumes still on the daemon.
func (w *world) leftovers(ctx context.Context) []string {
	w.t.Helper()
	owned := engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}}
	var out []string
	cs, err := w.e.ContainerList(ctx, owned)
	require.NoError(w.t, err)
	for _, c := range cs {
		if w.mine(c.Labels) {
			out = append(out, "container "+c.Name+" ("+c.State+")")
		}
	}
	ns, err := w.e.NetworkList(ctx, owned)
	require.NoError(w.t, err)
	for _, n := range ns {
		if w.mine(n.Labels) {
			out = append(out, "network "+n.Name)
		}
	}
	vs, err := w.e.VolumeList(ctx, owned)
	require.NoError(w.t, err)
	for _, v := range vs {
		if w.mine(v.Labels) {
			out = append(out, "volume "+v.Name)
		}
	}
	return out
}

// cleanup takes down whatever this world left, through berth itself: gc
// with every environment stale at once (only live leases keep one; the
// state directory is this world's alone).
func (w *world) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	defer func() {
		for i := len(w.closers) - 1; i >= 0; i-- {
			w.closers[i]()
		}
	}()
	if left := w.leftovers(ctx); len(left) > 0 {
		r := w.run("gc", "--stale-after", "1ms", "--min-age", "0s")
		w.t.Logf("cleanup gc: %s%s", r.stdout, r.stderr)
	}
}

// lineReader reads a child's stdout line by line.
func lineReader(t *testing.T, cmd *exec.Cmd) *bufio.Reader {
	t.Helper()
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	return bufio.NewReader(out)
}

// eventLog records this world's container events from the daemon's
// stream, in order, until a sentinel volume appears.
type eventLog struct {
	events []engine.Event
	done   chan struct{}
	cancel context.CancelFunc
	stop   string // name of the sentinel volume that ends the log
}

// watch starts recording; subscribe happens before it returns.
func (w *world) watch() *eventLog {
	ctx, cancel := context.WithCancel(context.Background())
	l := &eventLog{done: make(chan struct{}), cancel: cancel, stop: "berth-e2e-sentinel-" + w.project}
	events, errs := w.e.Events(ctx, engine.EventFilter{Types: []string{"container", "volume"}})
	go func() {
		defer close(l.done)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Type == "volume" && ev.ActorID == l.stop && ev.Action == "create" {
					return
				}
				if ev.Type == "container" && w.mine(ev.Attributes) {
					l.events = append(l.events, ev)
				}
			case <-errs:
				return
			}
		}
	}()
	return l
}

// finish creates the sentinel volume and returns every event recorded
// before it: the stream is ordered, so nothing earlier is missing.
func (l *eventLog) finish(t *testing.T, e engine.Engine) []engine.Event {
	t.Helper()
	ctx := context.Background()
	_, err := e.VolumeCreate(ctx, engine.VolumeSpec{Name: l.stop, Labels: map[string]string{itest.LabelKey: "sentinel"}})
	require.NoError(t, err)
	defer func() { require.NoError(t, e.VolumeRemove(ctx, l.stop)) }()
	select {
	case <-l.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sentinel event never arrived")
	}
	l.cancel()
	return l.events
}

// creates counts container creates per service.
func creates(events []engine.Event) map[string]int {
	n := map[string]int{}
	for _, ev := range events {
		if ev.Action == "create" {
			n[ev.Attributes[labels.ComposeService]]++
		}
	}
	return n
}
