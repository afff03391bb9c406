package query

import (
	"context"
	"fmt"
	"slices"

	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// EnvFor finds the environment a command that names only compose files
// means: the project's shared environment when it exists (and dedicated
// mode is not asked for), else the one environment of the project on
// which process holderPID holds a lease (a dedicated copy it acquired).
//
// The request is resolved (bad input refused) by the caller before any
// Docker call: shared is its shared environment.
func (q *Queries) EnvFor(ctx context.Context, shared *resolve.Env, dedicated bool, holderPID int) (string, error) {
	envs, err := q.Store.Envs(ctx)
	if err != nil {
		return "", err
	}
	project := shared.Project.Name
	var held []string
	for _, e := range envs {
		if e.Project != project {
			continue
		}
		if e.ID == shared.ID() && !dedicated {
			return e.ID, nil
		}
		ls, err := q.Store.Leases(ctx, e.ID)
		if err != nil {
			return "", err
		}
		if slices.ContainsFunc(ls, func(l store.Lease) bool { return q.Leases.HeldBy(l, holderPID) }) {
			held = append(held, e.ID)
		}
	}
	switch len(held) {
	case 1:
		return held[0], nil
	case 0:
		return shared.ID(), nil // the caller reports it is not up
	}
	return "", fmt.Errorf("process %d holds leases on %d environments of project %s (%v); name one with --env", holderPID, len(held), project, held)
}

// ProjectEnvs lists the IDs of every known environment of project (its
// shared one and any dedicated copies).
func (q *Queries) ProjectEnvs(ctx context.Context, project string) ([]string, error) {
	envs, err := q.Store.Envs(ctx)
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
