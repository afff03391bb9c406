package gate

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/lock"
)

// Callers that asked for a reference while another pulled it take that
// pull's outcome, success or failure with its kind; a caller that asks
// after it finished pulls again. (Goroutines stand in for processes: the
// lock is a kernel lock either way. The real-process proof is the e2e test
// that counts the daemon's pull events for ten berth runs.)
func TestPullOnceSharesTheOutcomeWithThoseWhoWaited(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome error
	}{
		{"success", nil},
		{"failure", engine.Wrap(engine.OpImagePull, engine.ErrNotFound, errors.New("manifest unknown"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			locks := lock.Dir{Path: t.TempDir()}
			const n = 5
			var mu sync.Mutex
			asked := 0
			allAsked := make(chan struct{})
			now := func() time.Time { // every caller reads the clock once when it asks
				mu.Lock()
				defer mu.Unlock()
				if asked++; asked == n {
					close(allAsked)
				}
				return time.Now()
			}
			pulls := 0
			pull := func() error {
				pulls++
				<-allAsked // the others are waiting now
				return tc.outcome
			}
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = pullOnce(t.Context(), locks, "registry.test/app:1", now, pull) })
			}
			wg.Wait()
			assert.Equal(t, 1, pulls, "one pull for five callers")
			for i, err := range errs {
				if tc.outcome == nil {
					assert.NoError(t, err, "caller %d", i)
				} else {
					assert.ErrorIs(t, err, engine.ErrNotFound, "caller %d", i)
				}
			}
			require.NoError(t, pullOnce(t.Context(), locks, "registry.test/app:1", time.Now, func() error { pulls++; return nil }))
			assert.Equal(t, 2, pulls, "a caller who did not wait pulls again")
		})
	}
}

// A registry that does not answer is retried; a refused credential or an
// absent image is not.
func TestPullRetriesOnlyWhatTheRegistryMayGetOver(t *testing.T) {
	f := fake.New()
	f.Publish("registry.test/app:1", 1000)
	g := newGate(t, t.TempDir(), f, nil)
	f.FailNext(engine.OpImagePull, engine.ErrTransient)
	f.FailNext(engine.OpImagePull, engine.ErrTransient)
	require.NoError(t, g.ImagePull(context.Background(), "registry.test/app:1", engine.PullOptions{}, nil))
	st := g.Stats()[engine.OpImagePull]
	assert.Equal(t, 1, st.Count)
	assert.Equal(t, 2, st.Retries)

	f.FailNext(engine.OpImagePull, engine.ErrAuth)
	err := g.ImagePull(context.Background(), "registry.test/app:1", engine.PullOptions{}, nil)
	require.ErrorIs(t, err, engine.ErrAuth)
	assert.Equal(t, 4, f.Calls(engine.OpImagePull), "an auth failure is not retried")
	assert.Equal(t, "auth", ErrorKind(err))
}

// A pull holds no operation slot: with every operation slot taken, a pull
// still runs; it waits for a pull slot instead.
func TestPullHoldsNoOperationSlot(t *testing.T) {
	f := fake.New()
	f.Publish("registry.test/app:1", 1000)
	dir := t.TempDir()
	g := newGate(t, dir, f, nil)
	takeEveryOperationSlot(t, g)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.ImagePull(ctx, "registry.test/app:1", engine.PullOptions{}, nil))

	var pullReleases []func() error
	for range g.cfg.MaxConcurrentPulls {
		r, err := g.pullSlots.Acquire(t.Context())
		require.NoError(t, err)
		pullReleases = append(pullReleases, r)
	}
	short, cancel2 := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel2()
	err := g.ImagePull(short, "registry.test/app:1", engine.PullOptions{}, nil)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "with every pull slot taken a pull waits: %v", err)
	for _, r := range pullReleases {
		_ = r()
	}
}

// The daemon may not know when it pulled an image (Docker 20.10 leaves
// LastTagTime zero for a first pull): inspection through the gate reports
// berth's own last pull instead.
func TestInspectReportsBerthsLastPull(t *testing.T) {
	f := fake.New()
	f.Publish("registry.test/app:1", 10)
	c := &clock{}
	c.advance(time.Duration(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()))
	g := newGate(t, t.TempDir(), f, c)
	require.NoError(t, g.ImagePull(t.Context(), "registry.test/app:1", engine.PullOptions{}, nil))
	im, err := g.ImageInspect(t.Context(), "registry.test/app:1")
	require.NoError(t, err)
	assert.True(t, c.now().Equal(im.LastTagTime), "the gate's record of the pull: %v", im.LastTagTime)
}

// takeEveryOperationSlot holds, until the test ends, every operation slot
// the shared limit allows now.
func takeEveryOperationSlot(t *testing.T, g *Gate) {
	t.Helper()
	_, err := g.StateDir(t.Context())
	require.NoError(t, err)
	for range g.limit.Load().current() {
		release, err := g.slots.Acquire(t.Context())
		require.NoError(t, err)
		t.Cleanup(func() { _ = release() })
	}
}
