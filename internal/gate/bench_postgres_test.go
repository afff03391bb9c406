package gate_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/pglock"
	"github.com/berth-dev/berth/internal/statedir"
)

// BenchmarkMutatingCallPostgres is BenchmarkMutatingCall's gated call
// with the shared state and slots in PostgreSQL (BERTH_TEST_POSTGRES;
// skipped without it): breaker and budget rows updated in transactions
// and a slot taken as an advisory lock, behind the line lock.
func BenchmarkMutatingCallPostgres(b *testing.B) {
	dsn := os.Getenv("BERTH_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("BERTH_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	f, id := runningContainer(b)
	shared, err := pglock.Open(dsn)
	require.NoError(b, err)
	defer shared.Close()
	cfg := config.DefaultGate()
	cfg.OpsPerSecond = 1e9
	g, err := gate.New(f, gate.Options{Config: cfg, Layout: statedir.Layout{Override: b.TempDir()}, Backend: shared.Gate()})
	require.NoError(b, err)
	for b.Loop() {
		if err := g.ContainerStart(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
