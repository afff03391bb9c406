// Package resolve decides everything about an acquisition before any
// Docker call: the settings (flag, then environment, then x-berth, then
// the default), the compose project, the environment's identity and its
// plan. Whatever can be refused as bad input is refused here, as a
// [*failure.InputError] or a *config.SettingError.
package resolve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/policy"
)

// DefaultLinger is how long an environment stays up after its last lease
// goes, for reuse, when nobody set it.
const DefaultLinger = 2 * time.Minute

// DefaultWaitForMemory is how long a new environment waits for memory
// when its limits do not fit in what the daemon has left: environments
// started together then run a few at a time instead of failing.
const DefaultWaitForMemory = 10 * time.Minute

// Request is what a caller asks for. Nil pointers were not set, so the
// environment variables, then x-berth, then the defaults apply.
type Request struct {
	Files       []string
	WorkingDir  string
	ProjectName string
	Dedicated   *bool
	Production  *bool
	WaitTimeout *time.Duration
	Linger      *time.Duration
	// WaitForMemory bounds the wait for memory when the environment does
	// not fit now (0: refuse at once).
	WaitForMemory *time.Duration
}

// Env is an acquisition with every setting decided and its compose
// project loaded and planned.
type Env struct {
	Project     *compose.Project
	Plan        *plan.Plan
	Linger      time.Duration // 0 for a dedicated copy
	WaitTimeout time.Duration
	StaleAfter  time.Duration // x-berth.stale_after; 0: gc decides
	// WaitForMemory is how long a new environment that does not fit in
	// the daemon's memory now waits for it ([DefaultWaitForMemory]).
	WaitForMemory time.Duration
	Restart       policy.RestartPolicy // restart limits; MaxAttempts also caps the engine's restarts
}

// ID is the environment's ID.
func (e *Env) ID() string { return e.Plan.ID.EnvID }

// Resolver reads settings through Getenv and stamps plans with Version.
type Resolver struct {
	Getenv  func(string) string
	Version string
	Now     func() time.Time
	// Cache, when set, keeps loaded compose projects between runs
	// ([compose.Cache]); nil loads the files every time.
	Cache *compose.Cache
}

// Resolve decides req. A shared environment's ID is the project name and
// a hash of its effective configuration, so every runner asking for the
// same stack finds the same environment; a dedicated copy gets a random
// ID of its own and no linger.
func (r Resolver) Resolve(ctx context.Context, req Request) (*Env, error) {
	envSet, err := config.EnvFromEnv(r.Getenv)
	if err != nil {
		return nil, err
	}
	load := compose.Load
	if r.Cache != nil {
		load = r.Cache.Load
	}
	p, err := load(ctx, compose.Options{Files: req.Files, WorkingDir: req.WorkingDir,
		ProjectName: req.ProjectName, Getenv: r.Getenv, Production: Pick(req.Production, envSet.Production, nil, false)})
	if err != nil {
		return nil, failure.Input(err)
	}
	e := &Env{
		Project:       p,
		Linger:        Pick(req.Linger, envSet.Linger, p.Berth.Linger, DefaultLinger),
		WaitTimeout:   Pick(req.WaitTimeout, envSet.WaitTimeout, nil, lifecycle.DefaultWaitTimeout),
		StaleAfter:    Pick(nil, nil, p.Berth.StaleAfter, 0),
		WaitForMemory: Pick(req.WaitForMemory, envSet.WaitForMemory, nil, DefaultWaitForMemory),
	}
	if e.Restart, err = r.RestartPolicy(&p.Berth.Restart); err != nil {
		return nil, err
	}
	id := plan.Identity{Project: p.Name, ConfigHash: p.Hash, Version: r.Version, Mode: plan.ModeShared,
		EnvID: SharedID(p), RestartBudget: e.Restart.MaxAttempts}
	if Pick(req.Dedicated, dedicated(envSet), nil, false) {
		id.Mode, id.EnvID, e.Linger = plan.ModeDedicated, p.Name+"-d"+randomHex(5), 0
	}
	if e.Plan, err = plan.Build(p, id, r.Now()); err != nil {
		return nil, failure.Input(err)
	}
	return e, nil
}

// Shared resolves req as its shared environment, whatever req and the
// environment variables say about dedicated copies: for commands that
// name an existing environment by its compose files.
func (r Resolver) Shared(ctx context.Context, req Request) (*Env, error) {
	shared := false
	req.Dedicated = &shared
	return r.Resolve(ctx, req)
}

// SharedID is the ID of project p's shared environment.
func SharedID(p *compose.Project) string { return p.Name + "-" + p.Hash[:12] }

// Dedicated reports whether a request that says nothing itself asks for a
// dedicated copy: BERTH_SHARED / TEST_USE_SHARED_DOCKER read as
// "dedicated?". nil when unset or unreadable ([Resolver.Resolve] reports
// bad values).
func (r Resolver) Dedicated() *bool {
	e, err := config.EnvFromEnv(r.Getenv)
	if err != nil {
		return nil
	}
	return dedicated(e)
}

func dedicated(e config.Env) *bool {
	if e.Shared == nil {
		return nil
	}
	v := !*e.Shared
	return &v
}

// Pick applies berth's precedence: flag, then environment, then x-berth,
// then the default.
func Pick[T any](flag, env, file *T, def T) T {
	for _, v := range []*T{flag, env, file} {
		if v != nil {
			return *v
		}
	}
	return def
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
