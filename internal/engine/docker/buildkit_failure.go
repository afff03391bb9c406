package docker

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/solver/errdefs"

	"github.com/berth-dev/berth/internal/engine"
)

// Read-only after package initialisation.
var (
	// stepPrefix is BuildKit's "[stage 2/3] " in front of a step's instruction.
	stepPrefix = regexp.MustCompile(`^\[[^\]]*\]\s*`)
	// parseErrorLine finds the line of a Dockerfile the frontend refused
	// ("dockerfile parse error line 3: ..." on BuildKit 0.8, "... on line 3").
	parseErrorLine = regexp.MustCompile(`(?i)(?:parse error|error)(?: on)? line (\d+)`)
	// metadataStep is the step that resolves a base image.
	metadataStep = regexp.MustCompile(`^\[internal\] load metadata for (\S+)`)
)

// buildKitFailure is the error of a failed BuildKit build: it names the
// Dockerfile, the step that failed and its line when known, and quotes the
// step's last output lines. A base image that could not be resolved is
// [engine.ErrNotFound]; any other failure of the build is
// [engine.ErrInvalid].
func buildKitFailure(name, dockerfile string, t *stepTracker, err error) error {
	step, out := t.failedStep()
	line := failureLine(err, dockerfile, step)
	where := "Dockerfile " + dockerfile
	if line > 0 {
		where += ", line " + strconv.Itoa(line)
	}
	kind := engine.ErrInvalid
	if m := metadataStep.FindStringSubmatch(step); m != nil {
		return engine.Wrap(engine.OpImageBuild, engine.ErrNotFound, fmt.Errorf(
			"build image %s: %s: base image %s could not be found locally or pulled: %w", name, where, m[1], err))
	}
	if step != "" {
		where += fmt.Sprintf(": step %q failed", step)
	}
	return engine.Wrap(engine.OpImageBuild, kind, fmt.Errorf("build image %s (BuildKit): %s: %w\nlast build output:\n%s",
		name, where, err, out.lastLines()))
}

// failureLine is the Dockerfile line a failure points at: from the
// error's source ranges when the daemon sent them, else a parse error's
// line, else the first line of the Dockerfile holding the step's
// instruction; 0 when unknown.
func failureLine(err error, dockerfile, step string) int {
	for _, src := range errdefs.Sources(err) {
		for _, r := range src.Ranges {
			if r.GetStart().GetLine() > 0 {
				return int(r.GetStart().GetLine())
			}
		}
	}
	if step == "" {
		if m := parseErrorLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
		return 0
	}
	return instructionLine(dockerfile, stepPrefix.ReplaceAllString(step, ""))
}

// instructionLine is the 1-based line of the Dockerfile at path whose
// text starts with instruction (spaces compared loosely), or 0.
func instructionLine(path, instruction string) int {
	data, err := os.ReadFile(path)
	want := strings.Join(strings.Fields(instruction), " ")
	if err != nil || want == "" {
		return 0
	}
	for i, l := range strings.Split(string(data), "\n") {
		got := strings.Join(strings.Fields(l), " ")
		if got != "" && (strings.HasPrefix(want, got) || strings.HasPrefix(got, want)) {
			return i + 1
		}
	}
	return 0
}
