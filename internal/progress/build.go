package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// BuildState is one report of a service's image build: the builder in
// use ("BuildKit" or "classic builder"), a step that started or ended
// (cached, or run for Elapsed), a notice, and the counts so far.
type BuildState struct {
	Builder string
	Step    string // "" for a report about the whole build
	Done    bool
	Cached  bool
	Elapsed time.Duration
	Notice  string
	// Steps and Cached are the steps ended so far and how many of them
	// came from the build cache.
	Steps, CachedSteps int
}

// stepLine is the step's outcome for a line of text.
func (s BuildState) stepLine() string {
	if s.Cached {
		return s.Step + ": cached"
	}
	return s.Step + ": ran " + Round(s.Elapsed).String()
}

func (s BuildState) String() string {
	out := fmt.Sprintf("%s: %d steps, %d cached", s.Builder, s.Steps, s.CachedSteps)
	if s.Step != "" {
		out += ": " + s.Step
	}
	return out
}

// Builder is a [Reporter] that also shows build progress.
type Builder interface {
	Build(service string, s BuildState)
}

// ReportBuild hands s to r when r shows build progress.
func ReportBuild(r Reporter, service string, s BuildState) {
	if b, ok := r.(Builder); ok {
		b.Build(service, s)
	}
}

// Build writes a line when the builder is first named, when a step ends,
// for a notice, and when the build is done:
//
//	api: building with BuildKit
//	api: build [2/3] RUN go build ./...: ran 4.1s
//	api: build [3/3] COPY --from=0 /app /app: cached
//	api: built with BuildKit: 3 steps, 2 cached, in 4.3s
func (p *Plain) Build(service string, s BuildState) {
	var line string
	switch {
	case s.Notice != "":
		line = "build: " + s.Notice
	case s.Step == "" && s.Done:
		line = fmt.Sprintf("built with %s: %d steps, %d cached, in %s", s.Builder, s.Steps, s.CachedSteps, Round(s.Elapsed))
	case s.Step == "" && s.Steps == 0:
		line = "building with " + s.Builder
	case s.Step != "" && s.Done:
		line = "build " + s.stepLine()
	default:
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = fmt.Fprintf(p.w, "%s: %s\n", service, strings.TrimSpace(line))
}

// Build shows the build's builder, counts and current step (or its
// latest notice) next to the service's phase and redraws.
func (t *TTY) Build(service string, s BuildState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.rows[service]; !ok {
		t.order = append(t.order, service)
	}
	r := t.rows[service]
	r.phase, r.detail = Building, s.String()
	if s.Notice != "" {
		r.detail = s.Notice
	}
	t.rows[service] = r
	_, _ = io.WriteString(t.w, t.render())
	t.drawn = len(t.order)
}
