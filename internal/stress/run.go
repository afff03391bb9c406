package stress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// Config is one `berth stress` invocation.
type Config struct {
	Runners int
	Cycles  int
	Mode    string // ModeShared or ModeDedicated
	// Project is the run's own compose project name: the environments it
	// creates are exactly those whose ID starts with Project + "-".
	Project  string
	Services []string // the stack's services, for the creates invariant
	// Engine is the gated connection used for events, pings, the sentinel
	// and the leftover check.
	Engine engine.Engine
	// Start starts runner i's process (berth stress-runner).
	Start Runner
	// SlotLimit is BERTH_MAX_CONCURRENT_OPS; OwnPID is this process's ID
	// (its teardown calls take slots too).
	SlotLimit int
	OwnPID    int
	// Ops reads every berth process's op records since t.
	Ops func(ctx context.Context, since time.Time) ([]store.OpRecord, error)
	// TearDown takes the run's environments down at once once every runner
	// has exited (their leases are gone), so nothing lingers.
	TearDown func(ctx context.Context) error
	// Progress receives a progress line (rewritten in place); nil: none.
	Progress io.Writer
	// Naive, when set, runs the same load without berth afterwards.
	Naive *Naive
}

// Run runs the load, then the naive one when asked, and returns the
// report with its verdict. An error means a figure could not be measured
// (the report is then not trustworthy); failed runs are not errors.
func Run(ctx context.Context, c Config) (*Report, error) {
	r := &Report{Runners: c.Runners, Cycles: c.Cycles, Mode: c.Mode, Tool: "berth"}
	mine := func(l map[string]string) bool { return strings.HasPrefix(l[labels.Env], c.Project+"-") }
	key := func(l map[string]string) string {
		if mine(l) {
			return l[labels.Env]
		}
		return ""
	}
	start := time.Now()
	rec := Record(ctx, c.Engine, start, key)
	ping := SamplePing(ctx, c.Engine)
	set := &runnerSet{onDone: progress(c.Progress, "berth", c.Runners*c.Cycles, start)}
	spawnErr := set.spawn(ctx, c.Start, c.Runners, c.Cycles)
	downErr := c.TearDown(context.WithoutCancel(ctx))
	r.WallMS = time.Since(start).Milliseconds()
	r.Ping = ping.Stop()
	endProgress(c.Progress)
	r.Failures, r.RunsPassed = set.failures, set.passed
	creates, recErr := rec.Finish(ctx)
	r.Creates, r.PeakMemoryLimitsBytes = creates, rec.PeakMemoryLimits()
	if info, err := c.Engine.Info(ctx); err == nil {
		r.DaemonMemoryBytes = info.MemTotal
	} else {
		recErr = errors.Join(recErr, fmt.Errorf("read the daemon's memory: %w", err))
	}
	left, leftErr := Leftovers(ctx, c.Engine, labels.Env, mine)
	r.LeftoverResources = left
	ops, opsErr := c.Ops(ctx, start)
	if opsErr == nil {
		all := maps.Clone(set.pids)
		all[c.OwnPID] = true
		peak, slots := PeakOverlap(AtDaemon(ops, all)), PeakOverlap(InSlots(ops, all))
		per := CallsPerRunner(ops, set.pids)
		r.PeakMutatingCalls, r.PeakSlotCalls, r.DockerCallsPerRunner = &peak, &slots, &per
		r.SlotLimit = c.SlotLimit
	}
	r.Summarize()
	r.Violations = Evaluate(*r, c.Services)
	if downErr != nil {
		r.Violations = append(r.Violations, "tear down the run's environments: "+downErr.Error())
	}
	if err := firstErr(spawnErr, recErr, leftErr, opsErr); err != nil {
		return r, err
	}
	if c.Naive != nil {
		n, err := c.Naive.run(ctx, c)
		r.Naive = n
		if err != nil {
			return r, fmt.Errorf("naive load: %w", err)
		}
	}
	return r, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// progress returns the callback that rewrites the progress line on w
// after each finished run (nil w: none).
func progress(w io.Writer, tool string, total int, start time.Time) func(ok bool) {
	if w == nil {
		return nil
	}
	var mu sync.Mutex
	done, failed := 0, 0
	return func(ok bool) {
		mu.Lock()
		defer mu.Unlock()
		done++
		if !ok {
			failed++
		}
		fmt.Fprintf(w, "\r%s: %d/%d runs done, %d failed, %s ", tool, done, total, failed,
			time.Since(start).Round(time.Second))
	}
}

func endProgress(w io.Writer) {
	if w != nil {
		fmt.Fprintln(w)
	}
}
