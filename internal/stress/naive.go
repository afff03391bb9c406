package stress

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/labels"
)

// Naive is the same load run the way teams run it without berth: each
// runner calls the compose command itself (up -d, a health wait polling
// docker inspect, a TCP connect to each published port, down -v). Shared
// mode gives every runner one project name; dedicated mode a project per
// runner. Its Docker calls go through the docker CLI, not berth's gate:
// that is the point of the comparison.
type Naive struct {
	Compose []string // the compose command, e.g. ["docker", "compose"] or ["/usr/bin/docker-compose"]
	Docker  string   // the docker CLI, for the health wait and inspect
	Files   []string
	// ProjectDir, when set, is passed as --project-directory (the copies
	// [NaiveFiles] makes for v1 live elsewhere than the originals).
	ProjectDir string
	// Project is the naive load's project name (shared) or the prefix of
	// its per-runner names (dedicated: Project-rN).
	Project     string
	WaitTimeout time.Duration // for the health wait of one cycle
	Env         []string      // the environment of the commands
}

func (n *Naive) tool() string { return strings.Join(n.Compose, " ") }

func (n *Naive) project(mode string, runner int) string {
	if mode == ModeDedicated {
		return fmt.Sprintf("%s-r%d", n.Project, runner)
	}
	return n.Project
}

// mine reports whether a resource's labels are the naive load's.
func (n *Naive) mine(l map[string]string) bool {
	p := l[labels.ComposeProject]
	return l[labels.Env] == "" && (p == n.Project || strings.HasPrefix(p, n.Project+"-r"))
}

func (n *Naive) run(ctx context.Context, c Config) (*Report, error) {
	r := &Report{Runners: c.Runners, Cycles: c.Cycles, Mode: c.Mode, Tool: n.tool()}
	key := func(l map[string]string) string {
		if n.mine(l) {
			return l[labels.ComposeProject]
		}
		return ""
	}
	start := time.Now()
	rec := Record(ctx, c.Engine, start, key)
	ping := SamplePing(ctx, c.Engine)
	onDone := progress(c.Progress, n.tool(), c.Runners*c.Cycles, start)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 1; i <= c.Runners; i++ {
		wg.Go(func() {
			for cy := 1; cy <= c.Cycles; cy++ {
				code, err := n.cycle(ctx, n.project(c.Mode, i))
				mu.Lock()
				if err != nil {
					r.Failures = append(r.Failures, Failure{Runner: i, Cycle: cy, ExitCode: code, Message: err.Error()})
				} else {
					r.RunsPassed++
				}
				mu.Unlock()
				if onDone != nil {
					onDone(err == nil)
				}
			}
		})
	}
	wg.Wait()
	r.WallMS = time.Since(start).Milliseconds()
	r.Ping = ping.Stop()
	endProgress(c.Progress)
	creates, recErr := rec.Finish(ctx)
	r.Creates, r.PeakMemoryLimitsBytes = creates, rec.PeakMemoryLimits()
	if info, err := c.Engine.Info(ctx); err == nil {
		r.DaemonMemoryBytes = info.MemTotal
	}
	left, leftErr := Leftovers(ctx, c.Engine, labels.ComposeProject, n.mine)
	r.LeftoverResources = left
	r.Summarize()
	r.Violations = Evaluate(*r, c.Services)
	cleanErr := n.cleanup(context.WithoutCancel(ctx), c)
	return r, firstErr(recErr, leftErr, cleanErr)
}
