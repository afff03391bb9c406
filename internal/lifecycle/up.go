package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// DefaultWaitTimeout bounds how long [Up] waits for services to be ready.
const DefaultWaitTimeout = 2 * time.Minute

// teardownBound bounds the teardown after a failed [Up]; each container's
// stop is bounded by its own grace period well before.
const teardownBound = 5 * time.Minute

// UpOptions tune [Up]. The zero value works: no progress, no logging, an
// in-process network lock only.
type UpOptions struct {
	// Locker serializes network creation across processes (see
	// [EnsureNetwork]). nil locks nothing; the daemon's duplicate check
	// and the dedupe that follows still converge.
	Locker Locker
	// Progress receives per-service progress; nil shows none.
	Progress progress.Reporter
	// WaitTimeout bounds how long each service may take to become ready
	// once its container has started ([DefaultWaitTimeout] when 0). Time
	// spent before that — pulls, builds, waiting for dependencies, waiting
	// in the gate's queue — does not count: a queue that moves is not a
	// failure, and one that stops (the daemon no longer answers) fails
	// through the gate's call deadlines and breaker.
	WaitTimeout time.Duration
	Log         *slog.Logger
	// PollInterval is how often containers are inspected as a safety net
	// next to the event stream (1 s when 0; 250 ms at most while the
	// stream is down).
	PollInterval time.Duration
	// Clock paces the readiness probes (see [plan.ServicePlan.Probe]);
	// nil is the real clock.
	Clock clock.Clock
	// FilesDir is where secrets and configs from environment and content
	// sources are written before any container is created ([FilesPath]
	// per environment; berth's state directory in production). Needed
	// only by a plan with [plan.Plan.Files].
	FilesDir string
}

func (o UpOptions) withDefaults() UpOptions {
	if o.Locker == nil {
		o.Locker = noLock{}
	}
	o.Progress = progress.OrNop(o.Progress)
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultWaitTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = pollEvery
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	return o
}

// Up brings environment p up and returns once every service is ready:
// a service with a health check is healthy, a job (see [plan.ServicePlan])
// exited 0, any other runs. Healthy is the engine's verdict or, for a
// service with a [plan.ServicePlan.Probe], the first pass of berth's own
// run of its health check command, started once the container runs and
// repeated after 50 ms, doubling up to the check's interval and at most
// 1 s (active
// readiness: the engine probes first only one interval after the start).
// The engine's "unhealthy" fails the service either way.
//
// First it says each of the plan's notes once, as a warning. Then, in
// order: the images its pull policies ask for ([PullImages]: a pull that
// fails leaves nothing to tear down), the secrets and configs the plan
// lists, written to [UpOptions.FilesDir], the networks ([EnsureNetwork])
// and volumes (an existing
// volume of this environment is reused), the image builds (one whose tag
// exists with the same context digest is skipped), then the services
// level by level ([plan.Plan.Levels]), the services of one level in
// parallel. The containers are all created first, at once (one that joins
// another's network namespace at its turn); each service then waits for
// its depends_on conditions before its container is started.
//
// Waits follow the daemon's event stream for the environment, subscribed
// before any container exists, with an inspection of every container each
// [UpOptions.PollInterval] as a safety net. A service that exits, is
// OOM-killed or turns unhealthy fails the up at once (within the poll
// interval if the event is lost) with a [*ServiceError] carrying its last
// log lines; services not ready within [UpOptions.WaitTimeout] fail it
// with a [*TimeoutError]. On any failure, including ctx ending, what was
// created is taken down with [Teardown] before Up returns the error.
func Up(ctx context.Context, e engine.Engine, p *plan.Plan, o UpOptions) error {
	o = o.withDefaults()
	r := &upRun{e: e, p: p, o: o, rep: o.Progress, w: newWatcher(e, o.Log)}
	err := r.run(ctx)
	if err == nil {
		return nil
	}
	err = r.explain(ctx, err)
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownBound)
	defer cancel()
	if _, terr := Teardown(tctx, e, p.ID.EnvID, TeardownOptions{Log: o.Log, FilesDir: o.FilesDir, State: planState(p)}); terr != nil {
		err = errors.Join(err, fmt.Errorf("tear down after the failed up: %w", terr))
	}
	return fmt.Errorf("up environment %s: %w", p.ID.EnvID, err)
}

// upRun is one [Up] in progress.
type upRun struct {
	e   engine.Engine
	p   *plan.Plan
	o   UpOptions
	rep progress.Reporter
	w   *watcher
	// early holds the creates started at the beginning of the services
	// phase ([upRun.createAll]), by service; read-only once set.
	early map[string]*pendingCreate
}

func (r *upRun) run(ctx context.Context) error {
	for _, n := range r.p.Notes {
		r.o.Log.Warn(n, "env", r.p.ID.EnvID)
	}
	// Every image first: a pull that fails leaves nothing to tear down.
	if err := PullImages(ctx, r.e, r.p, r.rep); err != nil {
		return err
	}
	if err := writeSecretFiles(r.o.FilesDir, r.p); err != nil {
		return err
	}
	if err := ensureResources(ctx, r.e, r.p, r.o.Locker); err != nil {
		return err
	}
	if err := buildImages(ctx, r.e, r.p, r.rep); err != nil {
		return err
	}
	return r.services(ctx)
}

// errUpDone ends the background work of a finished services phase.
var errUpDone = errors.New("up finished")

// services runs the services phase: watch, start level by level, wait
// until all are ready. The first failure cancels everything in flight.
func (r *upRun) services(parent context.Context) error {
	ctx, fail := context.WithCancelCause(parent)
	var bg, ready sync.WaitGroup
	defer func() {
		fail(errUpDone)
		ready.Wait()
		bg.Wait()
	}()
	subscribed := make(chan struct{})
	bg.Go(func() { r.w.run(ctx, r.p.ID.EnvID, r.o.PollInterval, subscribed) })
	<-subscribed
	bg.Go(func() { fail(r.w.await(ctx, r.anyFailed)) })
	r.early = r.createAll(ctx, &bg, fail)
	for _, level := range r.p.Levels {
		var wg sync.WaitGroup
		for _, name := range level {
			wg.Go(func() {
				if err := r.startService(ctx, name, &ready, fail); err != nil {
					fail(err)
				}
			})
		}
		wg.Wait()
		if err := context.Cause(ctx); err != nil {
			return err
		}
	}
	ready.Wait()
	return context.Cause(ctx)
}

// explain completes err with the last log lines of the services it names.
// It copies the error rather than changing it: the original was ctx's
// cancel cause, which other goroutines may still read.
func (r *upRun) explain(ctx context.Context, err error) error {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	logs := func(id string) []string {
		if id == "" {
			return nil
		}
		out, lerr := engine.Logs(lctx, r.e, id, engine.LogOptions{Tail: logTail})
		if lerr != nil {
			return []string{"(logs unavailable: " + lerr.Error() + ")"}
		}
		return splitLogs(out)
	}
	switch x := err.(type) {
	case *ServiceError:
		c := *x
		c.Logs = logs(c.ContainerID)
		return &c
	case *TimeoutError:
		c := *x
		c.Pending = slices.Clone(x.Pending)
		for i := range c.Pending {
			c.Pending[i].Logs = logs(c.Pending[i].containerID)
		}
		return &c
	}
	return err
}
