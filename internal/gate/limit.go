package gate

import (
	"context"
	"encoding/json"
	"time"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/policy"
)

// limitWindow is how often the shared limit may change.
const limitWindow = time.Second

// initialLimit is where the limit starts before any evidence: the fixed
// limit berth had before it adapted.
const initialLimit = 4

// sharedLimit is policy.Limit with its state in a shared file: every berth
// process of the daemon feeds it the latency of its calls and takes slots
// up to it.
type sharedLimit struct {
	policy policy.Limit
	file   State
}

func limitPolicy(c config.Gate) policy.Limit {
	return policy.Limit{Min: c.MinConcurrentOps, Max: c.MaxConcurrentOps, Initial: initialLimit, Window: limitWindow}
}

func decodeLimit(b []byte) policy.LimitState {
	var s policy.LimitState
	_ = json.Unmarshal(b, &s) // a torn or missing file starts over
	return s
}

// current is the limit now; on an unreadable state, the initial one.
func (l *sharedLimit) current() int {
	var s policy.LimitState
	err := l.file.Update(context.Background(), func(old []byte) []byte {
		s = decodeLimit(old)
		return old
	})
	if err != nil {
		return l.policy.Current(policy.LimitState{})
	}
	return l.policy.Current(s)
}

// observe folds one call into the shared state.
func (l *sharedLimit) observe(ctx context.Context, op engine.Op, latency time.Duration, failed bool, now time.Time) error {
	return l.file.Update(ctx, func(old []byte) []byte {
		next := l.policy.Observe(decodeLimit(old), string(op), latency, failed, now)
		b, _ := json.Marshal(next)
		return b
	})
}

// observes reports whether a call of op with deadline d tells about the
// daemon's load: calls with a deadline, except stops (their time is the
// container's grace period, not the daemon's).
func observes(op engine.Op, d time.Duration) bool {
	return d > 0 && op != engine.OpContainerStop
}

// observe feeds the shared limit, once the daemon's state directory is
// known (before, there are no slots to limit).
func (g *Gate) observe(ctx context.Context, op engine.Op, latency time.Duration, failed bool) {
	l := g.limit.Load()
	if l == nil {
		return
	}
	if err := l.observe(ctx, op, latency, failed, g.now()); err != nil {
		g.log.Debug("record call latency for the adaptive limit", "err", err)
	}
}
