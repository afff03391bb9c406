package progress_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/progress"
)

// A pipe gets the builder once, a line per ended step (cached, or run and
// for how long), notices, and the summary; started steps say nothing.
func TestPlainBuildLines(t *testing.T) {
	var b bytes.Buffer
	r := progress.NewPlain(&b)
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit"})
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Step: "[1/2] FROM base"})
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Step: "[1/2] FROM base", Done: true, Cached: true, Steps: 1, CachedSteps: 1})
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Step: "[2/2] RUN make", Done: true, Elapsed: 1234 * time.Millisecond, Steps: 2, CachedSteps: 1})
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Notice: "something to know"})
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Done: true, Elapsed: 1500 * time.Millisecond, Steps: 2, CachedSteps: 1})
	assert.Equal(t, strings.Join([]string{
		"api: building with BuildKit",
		"api: build [1/2] FROM base: cached",
		"api: build [2/2] RUN make: ran 1.2s",
		"api: build: something to know",
		"api: built with BuildKit: 2 steps, 1 cached, in 1.5s",
	}, "\n")+"\n", b.String())
}

// A terminal shows the build's counts and current step beside the phase.
func TestTTYBuildDetail(t *testing.T) {
	var b bytes.Buffer
	r := progress.NewTTY(&b)
	r.Service("api", progress.Building, 0)
	progress.ReportBuild(r, "api", progress.BuildState{Builder: "BuildKit", Step: "[2/2] RUN make", Steps: 1, CachedSteps: 1})
	assert.Contains(t, b.String(), "api  building  0s  BuildKit: 1 steps, 1 cached: [2/2] RUN make")
}
