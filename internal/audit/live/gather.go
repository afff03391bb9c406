package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/stats"
)

// Timeouts of the daemon part: the ping that decides reachability, and
// everything after it. A daemon that does not answer costs the audit
// PingTimeout, not a hang.
const (
	PingTimeout = 3 * time.Second
	Timeout     = 30 * time.Second
)

// Options are what Gather needs besides the daemon.
type Options struct {
	Now        func() time.Time // nil: time.Now
	StaleAfter time.Duration
	Log        *slog.Logger // nil: discard
}

// inspectParallel bounds the inspections in flight.
const inspectParallel = 8

// Gather asks the daemon d (berth's gated connection) for the facts of
// the resource section. It never fails: an unreachable daemon is a fact
// (Reachable false, Unreachable the reason), and a call that fails after
// the ping is recorded in Errors. It only reads.
func Gather(ctx context.Context, d engine.Engine, o Options) Facts {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	f := Facts{Endpoint: d.Endpoint(), Now: o.Now(), StaleAfter: o.StaleAfter}
	pctx, cancel := context.WithTimeout(ctx, PingTimeout)
	_, err := d.Ping(pctx)
	cancel()
	if err != nil {
		f.Unreachable = err.Error()
		return f
	}
	f.Reachable = true
	ctx, cancel = context.WithTimeout(ctx, Timeout)
	defer cancel()
	note := func(what string, err error) {
		if err != nil {
			f.Errors = append(f.Errors, fmt.Sprintf("%s: %v", what, err))
		}
	}
	f.Info, err = d.Info(ctx)
	note("info", err)
	list, err := d.ContainerList(ctx, engine.ListFilter{All: true})
	note("list containers", err)
	f.Containers = make([]Container, len(list))
	var running []string
	for i, c := range list {
		f.Containers[i] = Container{ContainerSummary: c}
		if c.State == "running" {
			running = append(running, c.ID)
		}
	}
	limits, err := inspectLimits(ctx, d, running)
	note("inspect containers", err)
	samples := stats.SampleMemory(ctx, d, o.Log, running)
	for i := range f.Containers {
		c := &f.Containers[i]
		if l, ok := limits[c.ID]; ok {
			c.MemoryLimit, c.Inspected = l, true
		}
		if s, ok := samples[c.ID]; ok {
			c.Sample = &s
		}
	}
	// Last: the daemon answers one disk usage at a time, and another
	// client's can keep the gate waiting; the rest is gathered by then.
	f.Disk, err = d.DiskUsage(ctx)
	note("disk usage", err)
	return f
}

// inspectLimits reads the memory limit of each container in ids. A
// container gone since the list is left out; other failures are joined.
func inspectLimits(ctx context.Context, d engine.Engine, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, inspectParallel)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := d.ContainerInspect(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				out[id] = c.MemoryLimit
			case !errors.Is(err, engine.ErrNotFound):
				errs = append(errs, fmt.Errorf("inspect %s: %w", id, err))
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
