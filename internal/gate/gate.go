package gate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/statedir"
)

// probeTimeout bounds the ping a caller sends to probe a half-open breaker.
const probeTimeout = 2 * time.Second

// Options configure a [Gate].
type Options struct {
	Config config.Gate
	Layout statedir.Layout
	Logger *slog.Logger     // nil discards
	Now    func() time.Time // nil is time.Now
	// Backend keeps the shared state and slots; nil is [Files], the
	// state directory's files.
	Backend Backend
}

// Gate is an engine.Engine that passes every call of the wrapped engine
// through the shared breaker, budget, slots and retries. Safe for
// concurrent use.
type Gate struct {
	inner   engine.Engine
	cfg     config.Gate
	layout  statedir.Layout
	log     *slog.Logger
	now     func() time.Time
	breaker *sharedBreaker
	stats   stats
	// endpoint holds the locks every berth process of this daemon's
	// endpoint shares before the daemon's ID is known (disk usage).
	endpoint lock.Dir

	backend Backend

	mu        sync.Mutex // guards the lazily resolved daemon state below
	stateDir  string
	slots     Semaphore // operation slots, up to the shared limit
	pullSlots Semaphore
	// buildSlots bound builds in flight (BERTH_MAX_CONCURRENT_BUILDS).
	buildSlots Semaphore
	budget     *sharedBudget
	// limit is set once with the state directory and read without mu:
	// calls made while StateDir holds mu observe through it.
	limit atomic.Pointer[sharedLimit]
}

var _ engine.Engine = (*Gate)(nil)

// New wraps inner. It prepares the breaker's directory but does not call
// the daemon; the daemon's own state directory is resolved (one Info call)
// before the first mutating call.
func New(inner engine.Engine, opts Options) (*Gate, error) {
	g := &Gate{inner: inner, cfg: opts.Config, layout: opts.Layout, log: opts.Logger, now: opts.Now, backend: opts.Backend}
	if g.backend == nil {
		g.backend = Files{}
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	dir := opts.Layout.Endpoint(inner.Endpoint())
	if err := lock.EnsureDir(dir); err != nil {
		return nil, err
	}
	g.endpoint = lock.Dir{Path: dir}
	state, err := g.backend.State(Scope{Dir: dir, Key: "endpoint:" + inner.Endpoint()}, "breaker")
	if err != nil {
		return nil, err
	}
	g.breaker = &sharedBreaker{
		policy: policy.Breaker{Threshold: g.cfg.BreakerThreshold, OpenFor: g.cfg.BreakerOpenFor, ProbeTimeout: probeTimeout},
		file:   state,
	}
	return g, nil
}

// Endpoint names the daemon.
func (g *Gate) Endpoint() string { return g.inner.Endpoint() }

// Stats returns this process's counters per operation kind.
func (g *Gate) Stats() map[engine.Op]OpStats { return g.stats.snapshot() }

// Breaker returns the shared breaker's state as every process sees it.
func (g *Gate) Breaker(ctx context.Context) (policy.BreakerState, error) {
	return g.breaker.state(ctx)
}

// StateDir returns the daemon's state directory, creating it (mode 0700)
// and, without BERTH_STATE_DIR, asking the daemon its ID the first time.
func (g *Gate) StateDir(ctx context.Context) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stateDir != "" {
		return g.stateDir, nil
	}
	id := ""
	// A backend shared across hosts keys the daemon's state by its ID
	// even with BERTH_STATE_DIR: each host has a directory of its own.
	_, local := g.backend.(Files)
	if g.layout.Override == "" || !local {
		info, err := g.Info(ctx)
		if err != nil {
			return "", fmt.Errorf("identify daemon for its state directory: %w", err)
		}
		id = info.ID
	}
	dir := g.layout.Daemon(id)
	if err := lock.EnsureDir(dir); err != nil {
		return "", err
	}
	scope := Scope{Dir: dir, Key: daemonKey(id, dir)}
	limitState, err := g.backend.State(scope, "limit")
	if err != nil {
		return "", err
	}
	budgetState, err := g.backend.State(scope, "budget")
	if err != nil {
		return "", errors.Join(err, limitState.Close())
	}
	limit := &sharedLimit{policy: limitPolicy(g.cfg), file: limitState}
	g.limit.Store(limit)
	g.slots = g.backend.Slots(scope, "slot", g.cfg.MaxConcurrentOps, limit.current)
	g.pullSlots = g.backend.Slots(scope, "pull-slot", g.cfg.MaxConcurrentPulls, nil)
	g.buildSlots = g.backend.Slots(scope, "build-slot", max(g.cfg.MaxConcurrentBuilds, 1), nil)
	g.budget = &sharedBudget{policy: budgetPolicy(g.cfg), file: budgetState}
	g.stateDir = dir
	return dir, nil
}

// daemonKey names the daemon's shared state: by its ID, or, with
// BERTH_STATE_DIR set and the files backend (no ID asked), by that
// directory.
func daemonKey(id, dir string) string {
	if id == "" {
		return "dir:" + dir
	}
	return "daemon:" + id
}

func budgetPolicy(c config.Gate) policy.Budget {
	if c.MinInterval > 0 {
		return policy.Budget{Interval: c.MinInterval, Burst: 1}
	}
	return policy.Budget{Interval: time.Duration(float64(time.Second) / c.OpsPerSecond), Burst: c.Burst}
}

// admit consults the breaker, probing the daemon when it is half-open.
func (g *Gate) admit(ctx context.Context) error {
	v, until, err := g.breaker.decide(ctx, g.now())
	if err != nil {
		return err
	}
	switch v {
	case policy.Refuse:
		return &CircuitOpenError{Endpoint: g.Endpoint(), Until: until, Now: g.now()}
	case policy.Probe:
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		_, perr := g.inner.Ping(pctx)
		timedOut := pctx.Err() != nil
		cancel()
		if perr != nil && ctx.Err() != nil {
			return ctx.Err() // our caller gave up: the probe proves nothing
		}
		// A daemon that accepts the connection but does not answer the
		// probe in time (Docker Desktop still starting) is not back yet.
		unavailable := errors.Is(perr, engine.ErrUnavailable) || (perr != nil && timedOut)
		if err := g.breaker.record(ctx, unavailable, g.now()); err != nil {
			return err
		}
		if unavailable {
			g.log.Warn("daemon probe failed; circuit stays open", "endpoint", g.Endpoint(), "err", perr)
			return &CircuitOpenError{Endpoint: g.Endpoint(), Until: g.now().Add(g.cfg.BreakerOpenFor), Now: g.now()}
		}
		g.log.Info("daemon probe succeeded; circuit closed", "endpoint", g.Endpoint())
	}
	return nil
}

// reserve spends the rate budget and, when slot is true, takes a slot for
// a mutating call of op: in the line and within the adaptive limit, or out
// of line as [OutOfLine] says.
func (g *Gate) reserve(ctx context.Context, op engine.Op, slot bool) (release func() error, err error) {
	if f, ok := g.backend.(Fence); ok {
		if err := f.Lost(); err != nil {
			return nil, err
		}
	}
	if _, err := g.StateDir(ctx); err != nil {
		return nil, err
	}
	if err := g.budget.wait(ctx, g.now()); err != nil {
		return nil, fmt.Errorf("wait for operation budget: %w", err)
	}
	if !slot {
		return func() error { return nil }, nil
	}
	if OutOfLine(op) {
		return g.slots.AcquireOutOfLine(ctx)
	}
	return g.slots.Acquire(ctx)
}

// OutOfLine reports whether a mutating call of op that holds a slot takes
// it out of line: any of the BERTH_MAX_CONCURRENT_OPS slots as soon as one
// is free, without waiting in the first-come-first-served line and
// whatever the adaptive limit. A teardown's calls do: the container stop
// (it gives the daemon's memory and processes back; queued behind the
// creates and starts it makes room for, with 20 dedicated copies and
// memory admission letting the next copies in only as earlier ones stop,
// it held every copy's memory 6-8 s longer) and the removes of
// containers, networks and volumes. The line serves earlier operations
// first ([lock.WithArrival]), and a teardown comes after the ups of every
// runner still waiting: in line, the removes of 20 dedicated copies waited
// 7.5 s each, and each runner with them. The ceiling still bounds these
// calls with every other one, so BERTH_MAX_CONCURRENT_OPS stays the most
// mutating calls at once.
func OutOfLine(op engine.Op) bool {
	switch op {
	case engine.OpContainerStop, engine.OpContainerRemove, engine.OpNetworkRemove, engine.OpVolumeRemove:
		return true
	}
	return false
}

// HoldsSlot reports whether a mutating call of op holds an operation
// slot (BERTH_MAX_CONCURRENT_OPS) while it runs. bounded is the caller's
// word that the call ends in bounded time; only an exec can lack it
// ([engine.ExecSpec.Bounded]), every other op's call is bounded by the
// gate's deadline or by its work.
//
// Every bounded mutating call holds a slot, so the slots bound all the
// mutating calls at the daemon but two kinds:
//   - an image pull takes a pull slot instead ([Gate.ImagePull]), a build a
//     build slot ([Gate.ImageBuild]): they have limits of their own, so a
//     slow registry or a long build never starves creates and starts;
//   - an exec that is not bounded (an interactive shell, `berth exec`)
//     streams for as long as its process runs, hours perhaps: it would
//     take a slot from everyone for that long.
//
// A readiness probe's exec is bounded, and holds a slot for the health
// command's run. A container stop holds one too (taken out of line:
// [OutOfLine]), for as long as the daemon takes to stop the container:
// up to its grace period (then the kill), so a service that ignores its
// stop signal holds a slot for its whole grace period, and a teardown of
// more containers than the ceiling stops them in turns, taking the sum of
// the turns' longest grace periods rather than the longest one. No caller holds a slot while
// waiting for another: a slot is held only inside one call of the wrapped
// engine, which does not call back into the gate.
func HoldsSlot(op engine.Op, bounded bool) bool {
	switch op {
	case engine.OpImagePull, engine.OpImageBuild:
		return false
	case engine.OpContainerExec:
		return bounded
	}
	return true
}

// run makes one gated call of op, each attempt bounded by op's deadline
// ([callDeadline]). A mutating op holds a slot as [HoldsSlot] says of a
// bounded call (an exec says for itself: [Gate.ContainerExec]).
func run[T any](ctx context.Context, g *Gate, op engine.Op, fn func(context.Context) (T, error)) (T, error) {
	return runWithin(ctx, g, op, callDeadline(op, g.cfg), HoldsSlot(op, true), fn)
}

// runWithin is run with each attempt bounded by d (0: no deadline), and
// holding an operation slot when slot is true (and op is mutating).
func runWithin[T any](ctx context.Context, g *Gate, op engine.Op, d time.Duration, slot bool, fn func(context.Context) (T, error)) (T, error) {
	start := time.Now()
	attempts := 0
	refused := false
	// The last attempt was at the daemon from reached to answered: reached
	// is taken after its slot, answered before the slot is released.
	var reached, answered time.Time
	attempt := func() (T, error) {
		var zero T
		attempts++
		if err := g.admit(ctx); err != nil {
			refused = errors.As(err, new(*CircuitOpenError))
			return zero, backoff.Permanent(err)
		}
		if op.Mutating() {
			release, err := g.reserve(ctx, op, slot)
			if err != nil {
				return zero, backoff.Permanent(err)
			}
			defer release()
		}
		reached = time.Now()
		v, err := within(ctx, g, op, d, fn)
		answered = time.Now()
		if err != nil && !engine.Retryable(err) {
			return v, backoff.Permanent(err)
		}
		return v, err
	}
	expo := backoff.NewExponentialBackOff()
	expo.InitialInterval = g.cfg.RetryInitial
	v, err := backoff.Retry(ctx, attempt,
		backoff.WithBackOff(expo), backoff.WithMaxTries(uint(max(g.cfg.RetryAttempts, 1))))
	var perm *backoff.PermanentError
	if errors.As(err, &perm) {
		err = perm.Unwrap()
	}
	if !refused && ctx.Err() == nil {
		if rerr := g.breaker.record(ctx, errors.Is(err, engine.ErrUnavailable), g.now()); rerr != nil {
			g.log.Warn("record breaker outcome", "err", rerr)
		}
	}
	if answered.IsZero() { // it never reached the daemon: no time there
		reached = time.Now()
		answered = reached
	}
	g.stats.observe(op, start, answered.Sub(start), reached.Sub(start), err, attempts-1, refused)
	return v, err
}

// run0 is run for calls without a result.
func run0(ctx context.Context, g *Gate, op engine.Op, fn func(context.Context) error) error {
	_, err := run(ctx, g, op, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// permanent marks err as not worth a retry while keeping its kind.
func permanent(err error) error {
	if err == nil {
		return nil
	}
	return backoff.Permanent(err)
}

// Close releases the gate's open state files. It does not close the
// wrapped engine.
func (g *Gate) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var errs []error
	errs = append(errs, g.breaker.file.Close())
	if g.budget != nil {
		errs = append(errs, g.budget.file.Close())
	}
	if l := g.limit.Load(); l != nil {
		errs = append(errs, l.file.Close())
	}
	return errors.Join(errs...)
}
