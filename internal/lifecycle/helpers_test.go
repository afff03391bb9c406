package lifecycle_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
)

const fakeImage = "testsvc:latest"

// newFake returns a fake engine with the test image imported.
func newFake(t *testing.T, opts ...fake.Option) *fake.Engine {
	t.Helper()
	e := fake.New(opts...)
	require.NoError(t, e.ImageImport(t.Context(), bytes.NewReader(nil), fakeImage, nil))
	return e
}

// berthLabels marks a resource as berth's, of environment env.
func berthLabels(env string) map[string]string {
	return map[string]string{labels.Env: env}
}

// createContainer creates (but does not start) a container from spec,
// defaulting the image to the test image.
func createContainer(t *testing.T, e engine.Engine, spec engine.ContainerSpec) string {
	t.Helper()
	if spec.Image == "" {
		spec.Image = fakeImage
	}
	id, err := e.ContainerCreate(t.Context(), spec)
	require.NoError(t, err)
	return id
}

// runContainer creates and starts a container from spec.
func runContainer(t *testing.T, e engine.Engine, spec engine.ContainerSpec) string {
	t.Helper()
	id := createContainer(t, e, spec)
	require.NoError(t, e.ContainerStart(t.Context(), id))
	return id
}

func dur(d time.Duration) *time.Duration { return &d }

// memLocker is an in-process [lifecycle.Locker]: one mutex per name.
type memLocker struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

func (l *memLocker) Acquire(ctx context.Context, name string) (func() error, error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]chan struct{}{}
	}
	ch, ok := l.locks[name]
	if !ok {
		ch = make(chan struct{}, 1)
		l.locks[name] = ch
	}
	l.mu.Unlock()
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() error { once.Do(func() { <-ch }); return nil }, nil
}

// noLocker hands out locks that exclude nothing: it models a creator that
// bypasses berth's lock (another tool, another host).
type noLocker struct{}

func (noLocker) Acquire(context.Context, string) (func() error, error) {
	return func() error { return nil }, nil
}
