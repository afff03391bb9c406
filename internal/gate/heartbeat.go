package gate

import (
	"context"
	"errors"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/policy"
)

// Beat is the outcome of one [Gate.Heartbeat].
type Beat struct {
	Up      bool          // the daemon answered the ping
	Latency time.Duration // how long the ping took (answered or not)
	Err     error         // why it is down; nil when up
	// Opened and Closed say whether this beat changed the shared breaker.
	Opened, Closed bool
	Breaker        policy.BreakerState // the shared state after the beat
}

// Heartbeat pings the daemon past the breaker (as a half-open probe does)
// within timeout and tells every berth process of the daemon what it
// found: a daemon that does not answer (unreachable, or no answer in time)
// trips the shared breaker at once (policy.Breaker.Trip), so runners fail
// fast instead of each finding out; a daemon that answers closes it. The
// ping counts among this process's calls (op log). It returns an error
// only when the breaker's state could not be read or written, or ctx
// ended.
func (g *Gate) Heartbeat(ctx context.Context, timeout time.Duration) (Beat, error) {
	start := time.Now()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	_, err := g.inner.Ping(pctx)
	timedOut := pctx.Err() != nil
	cancel()
	b := Beat{Latency: time.Since(start)}
	if err != nil && ctx.Err() != nil {
		return b, ctx.Err() // our caller gave up: the ping proves nothing
	}
	g.stats.observe(engine.OpPing, start, b.Latency, 0, err, 0, false)
	b.Up = !(errors.Is(err, engine.ErrUnavailable) || (err != nil && timedOut))
	if !b.Up {
		b.Err = err
	}
	now := g.now()
	uerr := g.breaker.file.Update(ctx, func(old []byte) []byte {
		prev := decodeBreaker(old)
		next := g.breaker.policy.Record(prev, false, now)
		if !b.Up {
			next = g.breaker.policy.Trip(prev, now)
		}
		b.Opened, b.Closed = !prev.Open(now) && next.Open(now), prev.Open(now) && !next.Open(now)
		b.Breaker = next
		if next == prev {
			return old
		}
		return encodeBreaker(next)
	})
	return b, uerr
}
