package docker

import (
	"regexp"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// classicStep is a classic builder's step line. Read-only after package
// initialisation.
var classicStep = regexp.MustCompile(`^Step (\d+/\d+) : (.*)$`)

// classicSteps turns the classic builder's output into step reports: a
// "Step n/m : X" line ends the step before it and starts "[n/m] X" (as
// BuildKit names its steps); " ---> Using
// cache" marks the current step cached; the end of a successful build
// ends the last step.
type classicSteps struct {
	report func(engine.BuildProgress) // never nil
	now    func() time.Time
	step   string
	start  time.Time
	cached bool
}

// line notes one line of output.
func (c *classicSteps) line(l string) {
	if m := classicStep.FindStringSubmatch(l); m != nil {
		c.end()
		c.step, c.start, c.cached = "["+m[1]+"] "+m[2], c.now(), false
		c.report(engine.BuildProgress{Builder: engine.BuilderClassic, Step: c.step})
		return
	}
	if strings.TrimSpace(l) == "---> Using cache" {
		c.cached = true
	}
}

// end reports the current step as ended, if there is one.
func (c *classicSteps) end() {
	if c.step == "" {
		return
	}
	c.report(engine.BuildProgress{Builder: engine.BuilderClassic, Step: c.step, Done: true, Cached: c.cached,
		Elapsed: c.now().Sub(c.start)})
	c.step = ""
}
