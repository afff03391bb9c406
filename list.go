package berth

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
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
func (m *Manager) List(ctx context.Context) ([]EnvInfo, error) {
	db, _, err := m.state(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := db.Envs(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]store.Env{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	cs, err := m.conn.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}})
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
		info, err := m.describe(ctx, db, r)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	m.withMemory(ctx, out)
	slices.SortFunc(out, func(a, b EnvInfo) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (m *Manager) describe(ctx context.Context, db store.Store, r store.Env) (EnvInfo, error) {
	info := EnvInfo{ID: r.ID, Project: r.Project, Mode: r.Mode, State: string(r.State), CreatedAt: r.CreatedAt,
		IdleSince: r.IdleSince, Linger: r.Linger, Endpoints: r.Endpoints}
	ls, err := db.Leases(ctx, r.ID)
	if err != nil {
		return info, err
	}
	for _, l := range ls {
		info.Leases = append(info.Leases, LeaseInfo{ID: l.ID, Host: l.Holder.Host, PID: l.Holder.PID,
			Live: m.live(l), CreatedAt: l.CreatedAt, HeartbeatAt: l.HeartbeatAt})
	}
	st, err := lifecycle.Status(ctx, m.conn, r.ID)
	if err != nil {
		return info, err
	}
	for _, s := range st.Services {
		info.Services = append(info.Services, ServiceInfo{Service: s.Service, Container: s.Name, State: s.State,
			Health: s.Health, ExitCode: s.ExitCode, OOMKilled: s.OOMKilled, MemoryLimit: s.MemoryLimit})
	}
	return info, nil
}

// Env looks up a known environment's record (for `berth env`).
func (m *Manager) Env(ctx context.Context, id string) (EnvInfo, error) {
	db, _, err := m.state(ctx)
	if err != nil {
		return EnvInfo{}, err
	}
	r, err := db.Env(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return EnvInfo{}, ErrNoSuchEnv
	}
	if err != nil {
		return EnvInfo{}, err
	}
	return m.describe(ctx, db, r)
}
