// Package stats reports what every berth process of one daemon recorded
// (restarts, environment usage, Docker operations, OOM kills) and the
// memory pressure of berth's running containers now. The aggregations are
// pure functions over records (calc.go); [Reporter] gathers their inputs.
package stats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/memory"
)

// Stats is what `berth stats` reports: every berth process's records of
// this daemon since a point in time, plus the memory pressure now.
type Stats struct {
	Since    time.Time         `json:"since,omitzero"` // zero: every record kept
	Now      time.Time         `json:"now"`
	Restarts []ServiceRestarts `json:"restarts"`
	Usage    UsageStats        `json:"usage"`
	Ops      []OpKindStats     `json:"ops"` // by kind, sorted
	OpsTotal OpKindStats       `json:"ops_total"`
	// BreakerOpenings counts how often the shared circuit breaker of this
	// daemon endpoint has opened, ever (it is not kept per time).
	BreakerOpenings int            `json:"breaker_openings"`
	OOMKills        []OOMKill      `json:"oom_kills"`
	Memory          []MemorySample `json:"memory"` // running berth containers now
}

// ServiceRestarts counts one service's restarts by kind.
type ServiceRestarts struct {
	EnvID   string `json:"env_id"`
	Service string `json:"service"`
	Done    int    `json:"done"`    // restarts berth made within the policy
	Refused int    `json:"refused"` // refused by the cooldown or the attempt limit
	Forced  int    `json:"forced"`  // made with --force, past the policy
	Engine  int    `json:"engine"`  // made by the engine's own restart policy
	Revived int    `json:"revived"` // started again after a daemon restart stopped it
}

// UsageStats describes how environments were used.
type UsageStats struct {
	Acquisitions int `json:"acquisitions"` // leases taken: Created + ReuseHits
	Created      int `json:"created"`      // acquisitions that created an environment
	ReuseHits    int `json:"reuse_hits"`   // acquisitions that reused a ready one
	Releases     int `json:"releases"`
	// PeakHolders is the most leases held at once, from the order of the
	// acquire and release records. A holder that died without releasing
	// (its lease was reaped) is counted as holding until the end.
	PeakHolders int `json:"peak_holders"`
	// ReadyP50 and ReadyP95 are the times from asking to holding a ready
	// environment, over the acquisitions that created one.
	ReadyP50 time.Duration `json:"ready_p50_ns"`
	ReadyP95 time.Duration `json:"ready_p95_ns"`
}

// OpKindStats are the Docker calls of one kind, by every berth process
// (after retries: one per call).
type OpKindStats struct {
	Op      string        `json:"op"`
	Count   int           `json:"count"`
	Errors  int           `json:"errors"`  // calls that returned an error (not found included)
	Refused int           `json:"refused"` // refused by the open circuit, without a call
	Retries int           `json:"retries"`
	P50     time.Duration `json:"p50_ns"`
	P95     time.Duration `json:"p95_ns"`
}

// OOMKill is a container the kernel killed at its memory limit.
type OOMKill struct {
	Time        time.Time `json:"time,omitzero"` // zero when only the container's state says so
	EnvID       string    `json:"env_id"`
	Service     string    `json:"service"`
	Container   string    `json:"container"`
	MemoryLimit int64     `json:"memory_limit"` // 0: no limit of its own
}

// MemorySample is a running berth container's memory now.
type MemorySample struct {
	EnvID     string  `json:"env_id"`
	Service   string  `json:"service"`
	Container string  `json:"container"`
	Usage     int64   `json:"usage"`
	Limit     int64   `json:"limit"` // 0: no limit
	Percent   float64 `json:"percent,omitempty"`
	High      bool    `json:"high,omitempty"`
}

// Report gives the records of the last since (0: all that are kept) and
// the memory pressure of berth's running containers now. This process's
// own Docker calls so far are written out first, so they count.
func (r *Reporter) Report(ctx context.Context, since time.Duration) (Stats, error) {
	st := Stats{Now: r.Clock.Now()}
	if since > 0 {
		st.Since = st.Now.Add(-since)
	}
	if err := r.FlushOps(ctx); err != nil {
		r.Log.Warn("record docker operations", "err", err)
	}
	restarts, err := r.Store.AllRestarts(ctx, st.Since)
	if err != nil {
		return st, fmt.Errorf("read restarts: %w", err)
	}
	st.Restarts = restartStats(restarts)
	usage, err := r.Store.Usage(ctx, st.Since)
	if err != nil {
		return st, err
	}
	st.Usage = usageStats(usage)
	ops, err := r.Store.Ops(ctx, st.Since)
	if err != nil {
		return st, err
	}
	st.Ops, st.OpsTotal = opStats(ops)
	br, err := r.Gate.Breaker(ctx)
	if err != nil {
		return st, fmt.Errorf("read circuit breaker: %w", err)
	}
	st.BreakerOpenings = br.Openings
	events, err := r.Store.EventsSince(ctx, st.Since)
	if err != nil {
		return st, fmt.Errorf("read container events: %w", err)
	}
	current, samples, err := r.containerMemory(ctx)
	if err != nil {
		return st, err
	}
	st.OOMKills, st.Memory = oomKills(events, current, st.Since), samples
	return st, nil
}

// containerMemory inspects every berth container: those the kernel
// OOM-killed (as their state says now) and a memory sample of each
// running one.
func (r *Reporter) containerMemory(ctx context.Context) ([]OOMKill, []MemorySample, error) {
	cs, err := r.Engine.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}})
	if err != nil {
		return nil, nil, fmt.Errorf("list berth containers: %w", err)
	}
	var kills []OOMKill
	var running []engine.Container
	for _, c := range cs {
		in, err := r.Engine.ContainerInspect(ctx, c.ID)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("inspect container %s: %w", c.Name, err)
		}
		if in.State.OOMKilled {
			kills = append(kills, OOMKill{Time: in.State.FinishedAt, EnvID: in.Labels[labels.Env],
				Service: in.Labels[labels.ComposeService], Container: in.ID, MemoryLimit: in.MemoryLimit})
		}
		if in.State.Running {
			running = append(running, in)
		}
	}
	ids := make([]string, len(running))
	for i, in := range running {
		ids[i] = in.ID
	}
	got := SampleMemory(ctx, r.Engine, r.Log, ids)
	var samples []MemorySample
	for _, in := range running {
		s, ok := got[in.ID]
		if !ok {
			continue
		}
		ms := MemorySample{EnvID: in.Labels[labels.Env], Service: in.Labels[labels.ComposeService], Container: in.Name,
			Usage: s.MemoryUsage, Limit: in.MemoryLimit}
		ms.Percent, ms.High = memory.Pressure(ms.Usage, ms.Limit)
		samples = append(samples, ms)
	}
	return kills, samples, nil
}
