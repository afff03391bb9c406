package restart

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/store"
)

// verdict gathers the service's history from the store and asks the
// restart policy and, for an ordinary restart the policy allows, the
// service's breaker.
func (r *Restarter) verdict(ctx context.Context, envID, service string, pol policy.RestartPolicy, force bool, now time.Time) (policy.RestartVerdict, error) {
	since := now.Add(-max(pol.Window, pol.Cooldown, pol.BreakerOpenFor))
	recs, err := r.Store.Restarts(ctx, envID, service, since)
	if err != nil {
		return policy.RestartVerdict{}, fmt.Errorf("read restart history of %s: %w", service, err)
	}
	v := pol.Decide(Attempts(recs), force, now)
	if !v.Allowed || force {
		return v, nil
	}
	// A service that keeps dying has its own breaker: no restarts until
	// its open time after the last death ends, then one probe.
	deaths, err := r.deaths(ctx, envID, service, since)
	if err != nil {
		return v, err
	}
	if bv := pol.ServiceBreaker().Decide(deaths, Attempts(recs), false, now); !bv.Allowed {
		v = bv.RestartVerdict
		v.Reason = "service keeps dying, its breaker is " + string(bv.State) + ": " + v.Reason
	}
	return v, nil
}

// Attempts turns the store's restart records into the limiter's history:
// refusals are not attempts, nor are services started again after a
// daemon restart stopped them.
func Attempts(recs []store.RestartRecord) []policy.RestartAttempt {
	var out []policy.RestartAttempt
	for _, r := range recs {
		if r.Kind == store.RestartRefused || r.Kind == store.RestartRevived {
			continue
		}
		out = append(out, policy.RestartAttempt{Time: r.Time, Forced: r.Kind == store.RestartForced, Engine: r.Kind == store.RestartEngine})
	}
	return out
}

// deaths are the times service died on its own (not stopped by request),
// as the event watcher recorded them.
func (r *Restarter) deaths(ctx context.Context, envID, service string, since time.Time) ([]time.Time, error) {
	evs, err := r.Store.ServiceEvents(ctx, envID, service, since)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", service, err)
	}
	var out []time.Time
	for _, ev := range evs {
		if ev.Action == "die" {
			out = append(out, ev.Time)
		}
	}
	return out, nil
}
