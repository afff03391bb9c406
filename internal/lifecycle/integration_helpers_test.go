package lifecycle_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

// realEnv is one integration test's view of the real daemon: the engine,
// the test image and the labels that mark (only) this test's resources.
type realEnv struct {
	e      engine.Engine
	image  string
	envID  string
	labels map[string]string
}

// newRealEnv returns the daemon and a unique berth environment ID for this
// test, and registers a cleanup that removes every container and network
// carrying that ID, and nothing else.
func newRealEnv(t *testing.T) realEnv {
	t.Helper()
	e := itest.Engine(t)
	r := realEnv{e: e, image: itest.Image(t, e), envID: "lifecycle-itest-" + randHex(6)}
	r.labels = maps.Clone(itest.Label(t))
	r.labels[labels.Env] = r.envID
	t.Cleanup(func() { r.cleanup(t) })
	return r
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// run creates and starts a test-service container with this test's labels.
func (r realEnv) run(t *testing.T, spec engine.ContainerSpec) string {
	t.Helper()
	spec.Image = r.image
	spec.Labels = maps.Clone(r.labels)
	id, err := r.e.ContainerCreate(t.Context(), spec)
	require.NoError(t, err)
	require.NoError(t, r.e.ContainerStart(t.Context(), id))
	// Ready means the service listens, and so has set up its signal
	// handling: a SIGTERM before that would not test what we mean.
	require.Eventually(t, func() bool {
		res, err := engine.Exec(t.Context(), r.e, id, "/testsvc", "probe")
		return err == nil && res.ExitCode == 0
	}, 10*time.Second, 20*time.Millisecond, "test service in %s never became ready", id)
	return id
}

// cleanup kills and removes this test's containers, then removes its
// networks. It never forces: a container is killed (a stop with signal
// SIGKILL), then removed.
func (r realEnv) cleanup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
	defer cancel()
	mine := map[string]string{labels.Env: r.envID}
	cs, err := r.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: mine})
	if err != nil {
		t.Errorf("cleanup: list containers: %v", err)
	}
	for _, c := range cs {
		if err := r.e.ContainerStop(ctx, c.ID, engine.StopOptions{Signal: "SIGKILL"}); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Logf("cleanup: kill %s: %v", c.Name, err)
		}
		ok := assertEventually(ctx, func() bool {
			err := r.e.ContainerRemove(ctx, c.ID, engine.RemoveOptions{Volumes: true})
			return err == nil || errors.Is(err, engine.ErrNotFound)
		})
		if !ok {
			t.Errorf("cleanup: container %s not removed", c.Name)
		}
	}
	ns, err := r.e.NetworkList(ctx, engine.ListFilter{Labels: mine})
	if err != nil {
		t.Errorf("cleanup: list networks: %v", err)
	}
	for _, n := range ns {
		if err := r.e.NetworkRemove(ctx, n.ID); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: remove network %s: %v", n.Name, err)
		}
	}
}

// assertEventually polls cond until it holds or ctx ends.
func assertEventually(ctx context.Context, cond func() bool) bool {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}
