package enginetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// readyTimeout bounds the wait for the test service to answer its probe.
const readyTimeout = 60 * time.Second

// probeCmd is the test service's readiness check.
var probeCmd = []string{"/testsvc", "probe"}

// spec returns a container spec of the test service with a unique name,
// the suite's labels and env (KEY=VALUE).
func (s *suite) spec(env ...string) engine.ContainerSpec {
	return engine.ContainerSpec{Name: s.name("c"), Image: s.h.Image, Env: env, Labels: s.labels()}
}

// create creates spec's container, registering its graceful removal
// (by name, so even a create that failed half-way is cleaned) first.
func (s *suite) create(t *testing.T, ctx context.Context, spec engine.ContainerSpec) string {
	t.Helper()
	id, err := s.e.ContainerCreate(ctx, spec)
	t.Cleanup(func() { s.removeContainer(t, spec.Name) })
	require.NoError(t, err, "create container %s", spec.Name)
	require.NotEmpty(t, id)
	return id
}

// startReady creates and starts spec's container, then waits until the
// test service answers its probe, so it has its signal handlers installed.
func (s *suite) startReady(t *testing.T, ctx context.Context, spec engine.ContainerSpec) string {
	t.Helper()
	id := s.create(t, ctx, spec)
	require.NoError(t, s.e.ContainerStart(ctx, id), "start container %s", spec.Name)
	s.waitReady(t, ctx, id)
	return id
}

// waitReady polls the test service's probe until it exits 0.
func (s *suite) waitReady(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	poll(t, ctx, readyTimeout, "test service in "+id+" answering its probe", func() (bool, string) {
		r, err := engine.Exec(ctx, s.e, id, probeCmd...)
		if err != nil {
			return false, err.Error()
		}
		return r.ExitCode == 0, fmt.Sprintf("exit code %d: %s", r.ExitCode, r.Output)
	})
}

// poll calls cond every 100 ms until it reports true, failing the test
// with cond's last note after timeout or when ctx ends.
func poll(t *testing.T, ctx context.Context, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, note := cond()
		if ok {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			require.FailNow(t, "timed out waiting for "+what, "after %s; last: %s", timeout, note)
		case <-ctx.Done():
			require.FailNow(t, "gave up waiting for "+what, "%v; last: %s", ctx.Err(), note)
		}
	}
}

// inspect inspects id and requires success.
func (s *suite) inspect(t *testing.T, ctx context.Context, id string) engine.Container {
	t.Helper()
	c, err := s.e.ContainerInspect(ctx, id)
	require.NoError(t, err, "inspect container %s", id)
	return c
}

// assertLabels checks that have carries every label of want.
func assertLabels(t *testing.T, want, have map[string]string) {
	t.Helper()
	for k, v := range want {
		assert.Equal(t, v, have[k], "label %s", k)
	}
}

// requireKind requires err to wrap kind.
func requireKind(t *testing.T, kind, err error, what string) {
	t.Helper()
	require.Error(t, err, what)
	require.ErrorIs(t, err, kind, "%s: %v", what, err)
}

func ptr[T any](v T) *T { return &v }
