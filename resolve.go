package berth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/policy"
)

// Modes of an environment.
const (
	ModeShared    = "shared"
	ModeDedicated = "dedicated"
)

// resolved is an acquisition with every setting decided and the compose
// project loaded and planned: everything that can be refused as bad input
// is checked here, before any Docker call.
type resolved struct {
	project     *compose.Project
	plan        *plan.Plan
	linger      time.Duration
	waitTimeout time.Duration
	staleAfter  time.Duration        // x-berth.stale_after; 0 = gc decides
	restart     policy.RestartPolicy // restart limits; MaxAttempts also caps the engine's restarts
}

func (m *Manager) resolve(ctx context.Context, o Options) (*resolved, error) {
	envSet, err := config.EnvFromEnv(m.getenv)
	if err != nil {
		return nil, err
	}
	production := pick(o.Production, envSet.Production, nil, false)
	p, err := compose.Load(ctx, compose.Options{Files: o.Files, WorkingDir: o.WorkingDir,
		ProjectName: o.ProjectName, Getenv: m.getenv, Production: production})
	if err != nil {
		return nil, &InputError{Err: err}
	}
	var sharedEnv *bool
	if envSet.Shared != nil {
		v := !*envSet.Shared
		sharedEnv = &v
	}
	dedicated := pick(o.Dedicated, sharedEnv, nil, false)
	r := &resolved{
		project:     p,
		linger:      pick(o.Linger, envSet.Linger, p.Berth.Linger, DefaultLinger),
		waitTimeout: pick(o.WaitTimeout, envSet.WaitTimeout, nil, DefaultWaitTimeout),
		staleAfter:  pick(nil, nil, p.Berth.StaleAfter, 0),
	}
	if r.restart, err = m.restartPolicy(&p.Berth.Restart); err != nil {
		return nil, err
	}
	id := plan.Identity{Project: p.Name, ConfigHash: p.Hash, Version: Version(), Mode: ModeShared,
		EnvID: p.Name + "-" + p.Hash[:12], RestartBudget: r.restart.MaxAttempts}
	if dedicated {
		id.Mode, id.EnvID, r.linger = ModeDedicated, p.Name+"-d"+randomHex(5), 0
	}
	r.plan, err = plan.Build(p, id, time.Now())
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return r, nil
}

// pick applies berth's precedence: flag, then environment, then x-berth,
// then the default.
func pick[T any](flag, env, file *T, def T) T {
	for _, v := range []*T{flag, env, file} {
		if v != nil {
			return *v
		}
	}
	return def
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
