package docker

import (
	"strings"
	"time"

	bkclient "github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"

	"github.com/berth-dev/berth/internal/engine"
)

// stepTracker follows a BuildKit build's status stream: it reports each
// step when it starts and ends, keeps the last output lines of every step,
// and remembers the first step that failed. Not safe for concurrent use:
// one goroutine drains the stream.
type stepTracker struct {
	report func(engine.BuildProgress) // never nil
	steps  map[digest.Digest]*stepState
	failed *stepState
	all    buildOutput // every step's output, for a failure with no failed step
}

// stepState is one vertex of the build graph as reported so far.
type stepState struct {
	name          string
	started, done bool
	cached        bool
	start         time.Time
	err           string
	out           buildOutput
}

func newStepTracker(report func(engine.BuildProgress)) *stepTracker {
	if report == nil {
		report = func(engine.BuildProgress) {}
	}
	return &stepTracker{report: report, steps: map[digest.Digest]*stepState{}}
}

// add applies one status update.
func (t *stepTracker) add(st *bkclient.SolveStatus) {
	for _, v := range st.Vertexes {
		s := t.steps[v.Digest]
		if s == nil {
			s = &stepState{}
			t.steps[v.Digest] = s
		}
		s.name = v.Name
		s.cached = s.cached || v.Cached
		if v.Started != nil && !s.started {
			s.started, s.start = true, *v.Started
			if v.Completed == nil && shownStep(s.name) {
				t.report(engine.BuildProgress{Builder: engine.BuilderBuildKit, Step: s.name})
			}
		}
		if v.Completed != nil && !s.done {
			s.done = true
			var elapsed time.Duration
			if s.started {
				elapsed = v.Completed.Sub(s.start)
			}
			if shownStep(s.name) {
				t.report(engine.BuildProgress{Builder: engine.BuilderBuildKit, Step: s.name, Done: true,
					Cached: s.cached, Elapsed: elapsed})
			}
		}
		if v.Error != "" && s.err == "" {
			s.err = v.Error
			if t.failed == nil && !strings.Contains(v.Error, "context canceled") {
				t.failed = s
			}
		}
	}
	for _, l := range st.Logs {
		if s := t.steps[l.Vertex]; s != nil {
			s.out.write(string(l.Data))
		}
		t.all.write(string(l.Data))
	}
}

// shownStep reports whether a vertex is a step of the user's build worth
// showing: BuildKit's own bookkeeping ("[internal] load .dockerignore")
// is not.
func shownStep(name string) bool {
	return name != "" && !strings.HasPrefix(name, "[internal]")
}

// failedStep is the step that failed and its last output lines, or ""
// when no step did (the frontend refused the Dockerfile).
func (t *stepTracker) failedStep() (name string, out *buildOutput) {
	if t.failed == nil {
		t.all.flush()
		return "", &t.all
	}
	t.failed.out.flush()
	return t.failed.name, &t.failed.out
}
