package enginetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testPull: a reference the registry lacks is ErrNotFound; a published
// one is pulled with per-layer progress, and is then on the daemon. (Its
// LastTagTime is not part of the contract: Docker 20.10 leaves it zero for
// an image it pulled for the first time.)
func (s *suite) testPull(t *testing.T, ctx context.Context) {
	if s.h.PullRef == "" {
		t.Skip("the harness has no registry")
	}
	err := s.e.ImagePull(ctx, s.h.MissingRef, engine.PullOptions{}, nil)
	requireKind(t, engine.ErrNotFound, err, "pull an image the registry lacks")

	_, err = s.e.ImageInspect(ctx, s.h.PullRef)
	requireKind(t, engine.ErrNotFound, err, "the image is not on the daemon before the pull")
	t.Cleanup(func() { s.removeImage(t, s.h.PullRef) })
	var mu sync.Mutex
	var msgs []engine.PullProgress
	require.NoError(t, s.e.ImagePull(ctx, s.h.PullRef, engine.PullOptions{}, func(p engine.PullProgress) {
		mu.Lock()
		defer mu.Unlock()
		msgs = append(msgs, p)
	}))
	layers := map[string]bool{}
	for _, m := range msgs {
		if m.Status == "Pull complete" {
			layers[m.Layer] = true
		}
	}
	assert.NotEmpty(t, layers, "every layer reports its completion: %v", msgs)
	_, err = s.e.ImageInspect(ctx, s.h.PullRef)
	require.NoError(t, err, "the pulled image is there")
	require.NoError(t, s.e.ImagePull(ctx, s.h.PullRef, engine.PullOptions{}, nil), "pulling again is fine")
}
