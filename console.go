package berth

// Hand-offs for the everyday commands around a running environment
// (berth logs, exec, port); see package internal/console.

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/berth-dev/berth/internal/console"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/store"
)

// LogsOptions and ExecOptions tune [Manager.Logs] and [Manager.Exec].
type (
	LogsOptions = console.LogsOptions
	ExecOptions = console.ExecOptions
)

// ErrNotRunning is an environment with no container: not up (any more).
var ErrNotRunning = errors.New("not running")

// Logs writes the logs of services (all when empty) of environment envID
// to out (see [console.Logs]). An unknown service is an [*InputError].
func (m *Manager) Logs(ctx context.Context, envID string, services []string, o LogsOptions, out io.Writer) error {
	targets, err := m.targets(ctx, envID, services)
	if err != nil {
		return err
	}
	return console.Logs(ctx, m.conn, targets, o, out)
}

// Exec runs o in service's container of environment envID and returns the
// command's exit code (see [console.Exec]).
func (m *Manager) Exec(ctx context.Context, envID, service string, o ExecOptions) (int, error) {
	targets, err := m.targets(ctx, envID, []string{service})
	if err != nil {
		return 0, err
	}
	return console.Exec(ctx, m.conn, targets[0].Container, o)
}

// LeaseEnv is the environment lease leaseID is on.
func (m *Manager) LeaseEnv(ctx context.Context, leaseID string) (string, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return "", err
	}
	l, err := sys.db.Lease(ctx, leaseID)
	if errors.Is(err, store.ErrNotFound) {
		return "", failure.Input(fmt.Errorf("no lease %s (berth ps lists the leases)", leaseID))
	}
	return l.EnvID, err
}

// targets finds the containers of services (every service when empty) of
// running environment envID.
func (m *Manager) targets(ctx context.Context, envID string, services []string) ([]console.Target, error) {
	info, err := m.Env(ctx, envID)
	if errors.Is(err, ErrNoSuchEnv) || (err == nil && len(info.Services) == 0) {
		return nil, fmt.Errorf("environment %s is %w (berth up brings it up; berth ps lists what is)", envID, ErrNotRunning)
	}
	if err != nil {
		return nil, err
	}
	all := make([]console.Target, 0, len(info.Services))
	for _, s := range info.Services {
		all = append(all, console.Target{Service: s.Service, Container: s.Container})
	}
	return console.Pick(envID, all, services)
}

// CheckServices refuses, with an [*InputError] and before any Docker
// call, services the compose project o describes does not define.
func (m *Manager) CheckServices(ctx context.Context, o Options, services []string) error {
	r, err := m.res.Shared(ctx, o.request())
	if err != nil {
		return err
	}
	var names []string
	for _, s := range r.Project.Services {
		names = append(names, s.Name)
	}
	return console.CheckServices(r.Project.Name, names, services)
}

// Config is the effective configuration of the environment o describes
// (see [console.EffectiveConfig]); it makes no Docker call.
func (m *Manager) Config(ctx context.Context, o Options) (console.Config, error) {
	r, err := m.res.Resolve(ctx, o.request())
	if err != nil {
		return console.Config{}, err
	}
	shared := r.ID()
	if r.Plan.ID.Mode != ModeShared {
		s, err := m.res.Shared(ctx, o.request())
		if err != nil {
			return console.Config{}, err
		}
		shared = s.ID()
	}
	return console.EffectiveConfig(r, shared), nil
}
