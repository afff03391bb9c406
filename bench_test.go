package berth_test

import (
	"context"
	"testing"
	"time"

	"github.com/berth-dev/berth"
)

// BenchmarkWarmAcquire measures acquiring an existing, healthy shared
// environment (the demo stack) and releasing the lease again: the lease
// row, the environment lock and the check that its containers run and are
// healthy. The environment is created once, before the timer starts.
func BenchmarkWarmAcquire(b *testing.B) {
	ctx := context.Background()
	m, err := berth.Open(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	linger := 10 * time.Minute
	o := berth.Options{Files: []string{"examples/demo/compose.yaml"}, Linger: &linger}
	first, err := m.Acquire(ctx, o)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := m.Release(ctx, first.LeaseID, berth.ReleaseOptions{Now: true}); err != nil {
			b.Error(err)
		}
	}()
	for b.Loop() {
		env, err := m.Acquire(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		if !env.Reused {
			b.Fatal("the environment was not reused")
		}
		if err := m.Release(ctx, env.LeaseID, berth.ReleaseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
