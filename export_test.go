package berth

import (
	"context"
	"log/slog"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/store"
)

// OpenWith is the constructor [Open] uses, over engine eng and clock clk:
// unit tests run the Manager over the in-memory fake with a fake clock.
func OpenWith(getenv func(string) string, eng engine.Engine, clk clock.Clock) (*Manager, error) {
	return open(getenv, slog.New(slog.DiscardHandler), eng, clk)
}

// RecordEvent records a container event in m's store, as the event
// watcher does when it sees one.
func RecordEvent(ctx context.Context, m *Manager, ev store.EventRecord) error {
	sys, err := m.system(ctx)
	if err != nil {
		return err
	}
	return sys.db.RecordEvent(ctx, ev)
}

// Crash plays the death of e's holder (kill -9): the lease's lock goes,
// as the kernel drops it, and nothing is released.
func Crash(e *Env) {
	if h, ok := e.hold.(*leases.Held); ok {
		h.Abandon()
	}
	e.hold = nil
}

// MarkTearingDown records that environment envID's teardown has started,
// as release and gc do before their first stop: a teardown whose process
// is then killed leaves exactly this behind.
func MarkTearingDown(ctx context.Context, m *Manager, envID string) error {
	sys, err := m.system(ctx)
	if err != nil {
		return err
	}
	return sys.db.SetEnvState(ctx, envID, store.StateTearingDown)
}

// SetSpawn makes m start its detached processes (the warm pool's refill)
// with spawn instead.
func SetSpawn(ctx context.Context, m *Manager, spawn func(argv []string) error) error {
	sys, err := m.system(ctx)
	if err != nil {
		return err
	}
	sys.acquirer.Spawn = spawn
	return nil
}

// LeasesOn are environment envID's leases in m's store.
func LeasesOn(ctx context.Context, m *Manager, envID string) ([]store.Lease, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	return sys.db.Leases(ctx, envID)
}
