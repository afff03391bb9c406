package pglock

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/lock"
)

// BenchmarkEnvLock measures taking and releasing a free environment lock
// (the warm acquire's lock step): in PostgreSQL (BERTH_TEST_POSTGRES) and,
// for comparison, a lock file.
func BenchmarkEnvLock(b *testing.B) {
	b.Run("file", func(b *testing.B) {
		d := lock.Dir{Path: b.TempDir()}
		for b.Loop() {
			release, err := d.Acquire(context.Background(), "env-a")
			if err != nil {
				b.Fatal(err)
			}
			_ = release()
		}
	})
	for _, fenced := range []bool{false, true} {
		name := "postgres"
		if fenced {
			name += "-fenced" // watched for a lost session, as environment locks are
		}
		b.Run(name, func(b *testing.B) {
			l := Locks{Pool: benchPool(b), Scope: "bench"}
			if fenced {
				l.Fence = &Fence{}
			}
			for b.Loop() {
				release, err := l.Acquire(context.Background(), "env-a")
				if err != nil {
					b.Fatal(err)
				}
				if err := release(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSlot measures an uncontended slot: line, slot, release.
func BenchmarkSlot(b *testing.B) {
	b.Run("file", func(b *testing.B) {
		s := lock.Slots{Dir: lock.Dir{Path: b.TempDir()}, N: 4}
		for b.Loop() {
			release, err := s.Acquire(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			_ = release()
		}
	})
	b.Run("postgres", func(b *testing.B) {
		s := Slots{Locks: Locks{Pool: benchPool(b), Scope: "bench"}, N: 4}
		for b.Loop() {
			release, err := s.Acquire(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			_ = release()
		}
	})
}

// BenchmarkLeaseProbe measures one liveness probe of a held lease.
func BenchmarkLeaseProbe(b *testing.B) {
	k := LeaseLocks{Pool: benchPool(b), Scope: "bench"}
	h, err := k.Hold(context.Background(), "h-bench")
	require.NoError(b, err)
	defer h.Release()
	for b.Loop() {
		v, err := k.Probe(context.Background(), "h-bench")
		if err != nil || v != Held {
			b.Fatal(v, err)
		}
	}
}

func benchPool(b *testing.B) *pgxpool.Pool {
	dsn := os.Getenv("BERTH_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("BERTH_TEST_POSTGRES is not set")
	}
	pool, err := Connect(context.Background(), dsn)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	return pool
}
