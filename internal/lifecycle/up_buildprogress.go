package lifecycle

import (
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/progress"
)

// builderNames are the builders as progress names them.
var builderNames = map[string]string{engine.BuilderBuildKit: "BuildKit", engine.BuilderClassic: "classic builder"}

// buildTracker folds one build's reports into [progress.BuildState]s for
// the service's reporter: the builder, each step's end, notices, and a
// summary when the build is done. Safe for concurrent use.
type buildTracker struct {
	service string
	rep     progress.Reporter

	mu    sync.Mutex
	state progress.BuildState
}

// add applies one report of the engine.
func (t *buildTracker) add(m engine.BuildProgress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if name, ok := builderNames[m.Builder]; ok && t.state.Builder != name {
		t.state.Builder = name
		progress.ReportBuild(t.rep, t.service, progress.BuildState{Builder: name})
	}
	if m.Notice != "" {
		progress.ReportBuild(t.rep, t.service, progress.BuildState{Builder: t.state.Builder, Notice: m.Notice})
	}
	if m.Step == "" {
		return
	}
	s := t.state
	s.Step, s.Done, s.Cached, s.Elapsed = m.Step, m.Done, m.Cached, m.Elapsed
	if m.Done {
		t.state.Steps++
		if m.Cached {
			t.state.CachedSteps++
		}
		s.Steps, s.CachedSteps = t.state.Steps, t.state.CachedSteps
	}
	progress.ReportBuild(t.rep, t.service, s)
}

// notice reports something berth itself says about the build.
func (t *buildTracker) notice(msg string) {
	t.add(engine.BuildProgress{Notice: msg})
}

// done reports the build's summary.
func (t *buildTracker) done(elapsed time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.state
	s.Step, s.Done, s.Elapsed = "", true, elapsed
	if s.Builder == "" {
		return // another process built it: this one saw no steps
	}
	progress.ReportBuild(t.rep, t.service, s)
}
