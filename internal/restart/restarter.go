// Package restart restarts a service of an environment in place, health
// first and within limits: a healthy service is left alone unless forced;
// otherwise the restart policy (cooldown, attempts per window) and the
// service's own breaker (a service that keeps dying) decide, from a
// history every berth process of the daemon shares. The decisions are the
// pure functions of package policy; this package gathers their inputs,
// takes the environment's lock, and records what it did.
package restart

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what restarting reads and writes.
type Store interface {
	Env(ctx context.Context, id string) (store.Env, error)
	PutEnv(ctx context.Context, e store.Env) error
	Restarts(ctx context.Context, envID, service string, since time.Time) ([]store.RestartRecord, error)
	RecordRestart(ctx context.Context, r store.RestartRecord) error
	ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error)
}

// Restarter restarts services on one daemon.
type Restarter struct {
	Engine engine.Engine
	Store  Store
	Locks  lifecycle.Locker
	Clock  clock.Clock
	Log    *slog.Logger
	// WaitTimeout bounds the wait for a restarted service to be ready.
	WaitTimeout time.Duration
}

// Actions of a [Result].
const (
	None      = "none"      // the service was healthy: nothing done
	Restarted = "restarted" // restarted within the limits
	Forced    = "forced"    // restarted with force, whatever the limits
)

// Result says what a restart did.
type Result struct {
	EnvID   string `json:"env"`
	Service string `json:"service"`
	// Action is [None], [Restarted] or [Forced].
	Action string `json:"action"`
	// Reason says why: "healthy; nothing to do", or the state that made
	// the restart necessary and the limiter's verdict.
	Reason string        `json:"reason"`
	Took   time.Duration `json:"took_ns,omitempty"`
}

// RefusedError is a restart the limiter refused: the service was
// restarted too recently (cooldown) or too often (attempts per window),
// or it keeps dying (its breaker is open). The CLI exits 4 on it.
type RefusedError struct {
	Service     string
	Reason      string
	NextAllowed time.Time
}

func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("restart of service %s refused: %s", e.Service, e.Reason)
	if !e.NextAllowed.IsZero() {
		msg += fmt.Sprintf("; next attempt allowed at %s (in %s)", e.NextAllowed.Format(time.RFC3339),
			max(0, time.Until(e.NextAllowed)).Round(time.Second))
	}
	return msg + "; --force overrides the limits"
}
