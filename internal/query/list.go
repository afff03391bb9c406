// Package query answers the CLI's questions about environments: what
// exists (berth ps), one environment's record and endpoints (berth env),
// which environment a command that names only compose files means (down,
// env, restart). Test suites need none of it; it reads, never changes.
package query

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/memory"
	"github.com/berth-dev/berth/internal/stats"
	"github.com/berth-dev/berth/internal/store"
)

// EnvInfo describes one environment for `berth ps`.
type EnvInfo struct {
	ID        string            `json:"id"`
	Project   string            `json:"project"`
	Mode      string            `json:"mode"`
	State     string            `json:"state"` // store state; "unknown to store" when found by labels only
	CreatedAt time.Time         `json:"created_at"`
	IdleSince time.Time         `json:"idle_since,omitzero"`
	Linger    time.Duration     `json:"linger_ns"`
	Leases    []LeaseInfo       `json:"leases"`
	Services  []ServiceInfo     `json:"services"`
	Endpoints map[string]string `json:"endpoints,omitempty"`
}

// LeaseInfo is one lease and whether its holder is alive.
type LeaseInfo struct {
	ID          string    `json:"id"`
	Host        string    `json:"host"`
	PID         int       `json:"pid"`
	Live        bool      `json:"live"`
	CreatedAt   time.Time `json:"created_at"`
	HeartbeatAt time.Time `json:"heartbeat_at,omitzero"`
}

// ServiceInfo is one service container of an environment.
type ServiceInfo struct {
	Service     string `json:"service"`
	Container   string `json:"container"`
	State       string `json:"state"`
	Health      string `json:"health,omitempty"`
	ExitCode    int    `json:"exit_code"`
	OOMKilled   bool   `json:"oom_killed,omitempty"`
	MemoryLimit int64  `json:"memory_limit,omitempty"`
	// MemoryUsage is a one-shot sample of a running container's memory
	// (0 when not running or the sample failed); MemoryPercent is it
	// against MemoryLimit, and High marks 70 % or more.
	MemoryUsage   int64   `json:"memory_usage,omitempty"`
	MemoryPercent float64 `json:"memory_percent,omitempty"`
	High          bool    `json:"high,omitempty"`
}

// List describes every environment the store knows, plus any found on the
// daemon by its labels that the store does not (for example after the
// state directory was deleted). Running services carry a one-shot memory
// sample against their limit.
func (q *Queries) List(ctx context.Context) ([]EnvInfo, error) {
	recs, err := q.Store.Envs(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]store.Env{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	cs, err := q.Engine.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		id := c.Labels[labels.Env]
		if _, ok := byID[id]; !ok {
			created, _ := labels.CreatedAt(c.Labels)
			byID[id] = store.Env{ID: id, Project: c.Labels[labels.ComposeProject], Mode: c.Labels[labels.Mode],
				State: "unknown to store", CreatedAt: created}
		}
	}
	var out []EnvInfo
	for _, r := range byID {
		info, err := q.describe(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	q.withMemory(ctx, out)
	slices.SortFunc(out, func(a, b EnvInfo) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (q *Queries) describe(ctx context.Context, r store.Env) (EnvInfo, error) {
	info := EnvInfo{ID: r.ID, Project: r.Project, Mode: r.Mode, State: string(r.State), CreatedAt: r.CreatedAt,
		IdleSince: r.IdleSince, Linger: r.Linger, Endpoints: r.Endpoints}
	ls, err := q.Store.Leases(ctx, r.ID)
	if err != nil {
		return info, err
	}
	for _, l := range ls {
		info.Leases = append(info.Leases, LeaseInfo{ID: l.ID, Host: l.Holder.Host, PID: l.Holder.PID,
			Live: q.Leases.Live(l), CreatedAt: l.CreatedAt, HeartbeatAt: l.HeartbeatAt})
	}
	st, err := lifecycle.Status(ctx, q.Engine, r.ID)
	if err != nil {
		return info, err
	}
	for _, s := range st.Services {
		info.Services = append(info.Services, ServiceInfo{Service: s.Service, Container: s.Name, State: s.State,
			Health: s.Health, ExitCode: s.ExitCode, OOMKilled: s.OOMKilled, MemoryLimit: s.MemoryLimit})
	}
	return info, nil
}

// Env looks up a known environment's record (for `berth env`); an
// unknown one is [failure.ErrNoSuchEnv].
func (q *Queries) Env(ctx context.Context, id string) (EnvInfo, error) {
	r, err := q.Store.Env(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return EnvInfo{}, failure.ErrNoSuchEnv
	}
	if err != nil {
		return EnvInfo{}, err
	}
	return q.describe(ctx, r)
}

// withMemory fills in the memory usage of every running service of envs.
func (q *Queries) withMemory(ctx context.Context, envs []EnvInfo) {
	var ids []string
	for _, e := range envs {
		for _, s := range e.Services {
			if s.State == "running" {
				ids = append(ids, s.Container)
			}
		}
	}
	samples := stats.SampleMemory(ctx, q.Engine, q.Log, ids)
	for _, e := range envs {
		for i := range e.Services {
			s := &e.Services[i]
			st, ok := samples[s.Container]
			if !ok || s.State != "running" {
				continue
			}
			s.MemoryUsage = st.MemoryUsage
			s.MemoryPercent, s.High = memory.Pressure(st.MemoryUsage, s.MemoryLimit)
		}
	}
}
