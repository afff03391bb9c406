package berth

import (
	"context"
	"fmt"
	"slices"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/store"
)

// EnvFor finds the environment a command that names only compose files
// means: the project's shared environment when it exists (and dedicated
// mode is not asked for), else the one environment of the project on
// which process holderPID holds a lease (a dedicated copy it acquired).
func (m *Manager) EnvFor(ctx context.Context, o Options, holderPID int) (string, error) {
	shared, project, err := m.sharedID(ctx, o)
	if err != nil {
		return "", err
	}
	db, _, err := m.state(ctx)
	if err != nil {
		return "", err
	}
	envs, err := db.Envs(ctx)
	if err != nil {
		return "", err
	}
	dedicated := pick(o.Dedicated, m.dedicatedFromEnv(), nil, false)
	var held []string
	for _, e := range envs {
		if e.Project != project {
			continue
		}
		if e.ID == shared && !dedicated {
			return shared, nil
		}
		ls, err := db.Leases(ctx, e.ID)
		if err != nil {
			return "", err
		}
		if slices.ContainsFunc(ls, func(l store.Lease) bool { return l.Holder.PID == holderPID && l.Holder.Host == m.host }) {
			held = append(held, e.ID)
		}
	}
	switch len(held) {
	case 1:
		return held[0], nil
	case 0:
		return shared, nil // the caller reports it is not up
	}
	return "", fmt.Errorf("process %d holds leases on %d environments of project %s (%v); name one with --env", holderPID, len(held), project, held)
}

// ProjectEnvs lists the IDs of every known environment of the project o
// describes (its shared one and any dedicated copies).
func (m *Manager) ProjectEnvs(ctx context.Context, o Options) ([]string, error) {
	_, project, err := m.sharedID(ctx, o)
	if err != nil {
		return nil, err
	}
	db, _, err := m.state(ctx)
	if err != nil {
		return nil, err
	}
	envs, err := db.Envs(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range envs {
		if e.Project == project {
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}

// sharedID is the ID of the shared environment o describes, and its
// compose project name.
func (m *Manager) sharedID(ctx context.Context, o Options) (id, project string, err error) {
	shared := false
	o.Dedicated = &shared
	r, err := m.resolve(ctx, o)
	if err != nil {
		return "", "", err
	}
	return r.plan.ID.EnvID, r.project.Name, nil
}

// dedicatedFromEnv is BERTH_SHARED / TEST_USE_SHARED_DOCKER read as
// "dedicated?"; nil when unset or unreadable (resolve reports bad values).
func (m *Manager) dedicatedFromEnv() *bool {
	e, err := config.EnvFromEnv(m.getenv)
	if err != nil || e.Shared == nil {
		return nil
	}
	v := !*e.Shared
	return &v
}
