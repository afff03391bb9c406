package console

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Target is one service's container.
type Target struct {
	Service   string
	Container string // ID or name
}

// LogsOptions tune [Logs].
type LogsOptions struct {
	Tail       int       // last N lines of each service; 0 = all
	Since      time.Time // zero = from the start
	Follow     bool      // keep streaming until every container stopped or ctx ends
	Timestamps bool      // prefix each line with the daemon's time
	// Prefix puts "service | " before each line (set it when more than
	// one service is shown); Color colours it per service (a terminal).
	Prefix, Color bool
}

// Logs writes the targets' log lines to out: without Follow, every line
// of every target in time order; with Follow, those first, then new lines
// as they come, until every container has stopped (the environment was
// taken down) or ctx ends.
func Logs(ctx context.Context, e engine.Engine, targets []Target, o LogsOptions, out io.Writer) error {
	f := newFormatter(targets, o)
	past := make([][]stamped, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			opts := engine.LogOptions{Tail: o.Tail, Since: o.Since}
			errs[i] = e.ContainerLogs(ctx, t.Container, opts, func(l engine.LogLine) {
				past[i] = append(past[i], stamped{target: i, line: l})
			})
		})
	}
	wg.Wait()
	var all []stamped
	for i := range targets {
		if errs[i] != nil {
			return fmt.Errorf("logs of service %s: %w", targets[i].Service, errs[i])
		}
		all = append(all, past[i]...)
	}
	slices.SortStableFunc(all, func(a, b stamped) int { return a.line.Time.Compare(b.line.Time) })
	for _, s := range all {
		if _, err := io.WriteString(out, f.format(s.target, s.line)); err != nil {
			return err
		}
	}
	if !o.Follow {
		return nil
	}
	return follow(ctx, e, targets, past, f, out)
}

// stamped is a line of target i.
type stamped struct {
	target int
	line   engine.LogLine
}

// follow streams each target's new lines (after the last one already
// shown) until its container stops or ctx ends.
func follow(ctx context.Context, e engine.Engine, targets []Target, past [][]stamped, f formatter, out io.Writer) error {
	var mu sync.Mutex
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		since := time.Now()
		if n := len(past[i]); n > 0 && !past[i][n-1].line.Time.IsZero() {
			since = past[i][n-1].line.Time.Add(time.Nanosecond)
		}
		wg.Go(func() {
			errs[i] = e.ContainerLogs(ctx, t.Container, engine.LogOptions{Since: since, Follow: true}, func(l engine.LogLine) {
				mu.Lock()
				defer mu.Unlock()
				_, _ = io.WriteString(out, f.format(i, l))
			})
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for i, err := range errs {
		if err != nil && !isGone(err) {
			return fmt.Errorf("logs of service %s: %w", targets[i].Service, err)
		}
	}
	return nil
}

// isGone reports a container removed while its logs were followed: the
// environment was taken down, which ends a follow.
func isGone(err error) bool { return engineNotFound(err) }
