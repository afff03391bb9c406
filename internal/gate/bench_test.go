package gate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/statedir"
)

// runningContainer returns a fake engine with one running container.
func runningContainer(b *testing.B) (*fake.Engine, string) {
	ctx := context.Background()
	f := fake.New()
	require.NoError(b, f.ImageImport(ctx, strings.NewReader(""), "img:1", nil))
	id, err := f.ContainerCreate(ctx, engine.ContainerSpec{Image: "img:1"})
	require.NoError(b, err)
	require.NoError(b, f.ContainerStart(ctx, id))
	return f, id
}

// BenchmarkMutatingCall measures a mutating call (starting a container
// that already runs: a no-op for the fake) bare and through the gate; the
// difference is the gate's own overhead: breaker file, budget file and a
// slot lock, each a flock'd file. The budget is set high so it never waits.
func BenchmarkMutatingCall(b *testing.B) {
	ctx := context.Background()
	b.Run("bare", func(b *testing.B) {
		f, id := runningContainer(b)
		for b.Loop() {
			if err := f.ContainerStart(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gated", func(b *testing.B) {
		f, id := runningContainer(b)
		cfg := config.DefaultGate()
		cfg.OpsPerSecond = 1e9
		g, err := gate.New(f, gate.Options{Config: cfg, Layout: statedir.Layout{Override: b.TempDir()}})
		require.NoError(b, err)
		for b.Loop() {
			if err := g.ContainerStart(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadCall is the same for a read, which only consults the breaker.
func BenchmarkReadCall(b *testing.B) {
	ctx := context.Background()
	f, id := runningContainer(b)
	g, err := gate.New(f, gate.Options{Config: config.DefaultGate(), Layout: statedir.Layout{Override: b.TempDir()}})
	require.NoError(b, err)
	for b.Loop() {
		if _, err := g.ContainerInspect(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
