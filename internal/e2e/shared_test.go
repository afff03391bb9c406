package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runner is one `berth run` process holding its check command open.
type runner struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	vars   map[string]string
	err    error
	stderr *strings.Builder
}

// startRunners starts n `berth run <flags> -- check` processes at once and
// waits until every check command is running (so n leases are held).
func (w *world) startRunners(t *testing.T, n int, flags ...string) []*runner {
	t.Helper()
	rs := make([]*runner, n)
	var wg sync.WaitGroup
	for i := range rs {
		args := append(append([]string{"run", "-p", w.project}, flags...), "--")
		cmd := w.berth(append(args, checkCmd()...)...)
		stderr := &strings.Builder{}
		cmd.Stderr = stderr // read only after the process has been waited for
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		out := lineReader(t, cmd)
		require.NoError(t, cmd.Start())
		r := &runner{cmd: cmd, stdin: stdin, stderr: stderr}
		rs[i] = r
		wg.Go(func() {
			line, err := out.ReadString('\n')
			payload, ok := strings.CutPrefix(line, "ready ")
			if err != nil || !ok {
				_ = stdin.Close()
				r.err = fmt.Errorf("runner %d never got ready (%v): %s", i, err, line)
				return
			}
			r.err = json.Unmarshal([]byte(payload), &r.vars)
			go func() { _, _ = io.Copy(io.Discard, out) }()
		})
	}
	wg.Wait()
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.err)
	}
	if err := errors.Join(errs...); err != nil {
		// Let every runner finish and release before the test's cleanup
		// removes the state directory under them.
		for i, r := range rs {
			_ = r.stdin.Close()
			_ = r.cmd.Wait()
			if r.err != nil {
				t.Logf("runner %d stderr:\n%s", i, r.stderr.String())
			}
		}
		require.NoError(t, err)
	}
	return rs
}

// finish closes every runner's stdin and requires every berth run to exit 0.
func finish(t *testing.T, rs []*runner) {
	t.Helper()
	for _, r := range rs {
		require.NoError(t, r.stdin.Close())
	}
	for i, r := range rs {
		assert.NoError(t, r.cmd.Wait(), "berth run %d", i)
	}
}

// liveLeases counts the live leases berth ps reports for this world.
func (w *world) liveLeases(t *testing.T) (int, []string) {
	t.Helper()
	r := w.run("ps", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var envs []struct {
		ID     string
		Leases []struct{ Live bool }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &envs))
	live := 0
	var ids []string
	for _, e := range envs {
		if !strings.HasPrefix(e.ID, w.project+"-") {
			continue
		}
		ids = append(ids, e.ID)
		for _, l := range e.Leases {
			if l.Live {
				live++
			}
		}
	}
	return live, ids
}

// TestTenConcurrentRunsShareOneEnvironment: 10 berth run at once on the
// demo stack all pass, the daemon sees one create per service, 10 leases
// are live at the peak, and with linger 0 nothing is left afterwards.
func TestTenConcurrentRunsShareOneEnvironment(t *testing.T) {
	w := newWorld(t)
	log := w.watch()
	rs := w.startRunners(t, 10, "-f", demo())

	live, envs := w.liveLeases(t)
	assert.Equal(t, 10, live, "peak live leases")
	assert.Len(t, envs, 1, "one shared environment")
	for _, r := range rs[1:] {
		assert.Equal(t, rs[0].vars, r.vars, "every runner sees the same endpoints")
	}
	finish(t, rs)

	counts := creates(log.finish(t, w.e))
	t.Logf("container creates per service: %v", counts)
	for _, s := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, counts[s], "creates of %s", s)
	}
	assert.Len(t, counts, 6)
	assert.Empty(t, w.leftovers(context.Background()), "BERTH_LINGER=0s: nothing remains")
}

// TestTenConcurrentDedicatedRunsOnFixedPorts: 10 berth run --dedicated on
// a stack with fixed host ports all pass, each with ports of its own.
func TestTenConcurrentDedicatedRunsOnFixedPorts(t *testing.T) {
	w := newWorld(t)
	rs := w.startRunners(t, 10, "--dedicated", "-f", testdata("fixed-ports.yaml"))
	live, envs := w.liveLeases(t)
	assert.Equal(t, 10, live)
	assert.Len(t, envs, 10, "a copy each")
	seen := map[string]int{}
	for i, r := range rs {
		for _, k := range []string{"BERTH_API_PORT", "BERTH_DB_PORT"} {
			p := r.vars[k]
			require.NotEmpty(t, p, "runner %d %s", i, k)
			assert.NotEqual(t, "18080", p, "fixed host ports become ephemeral")
			seen[p]++
		}
	}
	assert.Len(t, seen, 20, "every copy has its own ports")
	finish(t, rs)
	assert.Empty(t, w.leftovers(context.Background()))
}
