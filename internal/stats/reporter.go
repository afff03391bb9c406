package stats

import (
	"context"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what the reporter reads, and where it writes the op log.
type Store interface {
	AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error)
	Usage(ctx context.Context, since time.Time) ([]store.UsageRecord, error)
	Ops(ctx context.Context, since time.Time) ([]store.OpRecord, error)
	EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error)
	RecordOps(ctx context.Context, recs []store.OpRecord) error
}

// Gate is the gate's bookkeeping: the calls it passed and the shared
// breaker's state.
type Gate interface {
	TakeCalls() (calls []gate.Call, dropped int)
	Breaker(ctx context.Context) (policy.BreakerState, error)
}

// Reporter reports one daemon's statistics.
type Reporter struct {
	Engine engine.Engine
	Gate   Gate
	Store  Store
	Clock  clock.Clock
	Log    *slog.Logger
}
