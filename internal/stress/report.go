package stress

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Modes of a run.
const (
	ModeShared    = "shared"
	ModeDedicated = "dedicated"
)

// Ping is the daemon's ping latency over a run, in milliseconds.
type Ping struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// Failure is one run (one runner's cycle) that did not pass.
type Failure struct {
	Runner   int    `json:"runner"`
	Cycle    int    `json:"cycle"`
	ExitCode int    `json:"exit_code"`
	Message  string `json:"message"`
}

// Report is what one load did. Its JSON keys are the command's --json
// contract. Figures that cannot be measured for a load (the naive one
// makes no gated calls) are null.
type Report struct {
	Runners             int       `json:"runners"`
	Cycles              int       `json:"cycles"`
	Mode                string    `json:"mode"`
	Tool                string    `json:"tool"` // "berth", or the compose command of the naive load
	RunsPassed          int       `json:"runs_passed"`
	RunsFailed          int       `json:"runs_failed"`
	Failures            []Failure `json:"failures"`
	EnvironmentsCreated int       `json:"environments_created"`
	ContainersCreated   int       `json:"containers_created"`
	// Creates counts container creates per environment (berth: its ID;
	// naive: the compose project) and service.
	Creates           map[string]map[string]int `json:"creates"`
	PeakMutatingCalls *int                      `json:"peak_mutating_calls"`
	// PeakSlotCalls is the peak of the mutating calls that hold an
	// operation slot (all but pulls and builds); SlotLimit
	// is BERTH_MAX_CONCURRENT_OPS, the ceiling of the adaptive limit, which
	// it must not exceed.
	PeakSlotCalls        *int     `json:"peak_slot_calls"`
	SlotLimit            int      `json:"slot_limit,omitempty"`
	DockerCallsPerRunner *float64 `json:"docker_calls_per_runner"`
	Ping                 Ping     `json:"ping_ms"`
	// PeakMemoryLimitsBytes is the largest sum of the memory limits of
	// the load's containers running at once, from the daemon's events;
	// DaemonMemoryBytes what the daemon has (its MemTotal).
	PeakMemoryLimitsBytes int64    `json:"peak_memory_limits_bytes"`
	DaemonMemoryBytes     int64    `json:"daemon_memory_bytes"`
	Leftovers             int      `json:"leftovers"`
	LeftoverResources     []string `json:"leftover_resources"`
	WallMS                int64    `json:"wall_ms"`
	// Violations are the invariants that did not hold ([Evaluate]); empty
	// when the run is clean.
	Violations []string `json:"violations"`
	Naive      *Report  `json:"naive,omitempty"`
}

// Summarize fills the counts derived from the failures, creates and
// leftovers: runs failed, containers created, environments created (per
// environment, the most times any one of its services was created: an
// environment created twice under one ID counts twice) and leftovers.
// RunsPassed is the caller's: the runs that reported success.
func (r *Report) Summarize() {
	r.RunsFailed = len(r.Failures)
	r.ContainersCreated, r.EnvironmentsCreated = 0, 0
	for _, svcs := range r.Creates {
		most := 0
		for _, n := range svcs {
			r.ContainersCreated += n
			most = max(most, n)
		}
		r.EnvironmentsCreated += most
	}
	r.Leftovers = len(r.LeftoverResources)
	if r.Failures == nil {
		r.Failures = []Failure{}
	}
	if r.LeftoverResources == nil {
		r.LeftoverResources = []string{}
	}
	if r.Violations == nil {
		r.Violations = []string{}
	}
	if r.Creates == nil {
		r.Creates = map[string]map[string]int{}
	}
}

// WriteText prints the report for a person: the berth figures and, when a
// naive load ran, its figures side by side.
func (r *Report) WriteText(w io.Writer) {
	cols := []*Report{r}
	if r.Naive != nil {
		cols = append(cols, r.Naive)
	}
	row := func(name string, val func(*Report) string) {
		fmt.Fprintf(w, "%-26s", name)
		for _, c := range cols {
			fmt.Fprintf(w, " %-22s", val(c))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "berth stress: %d runner(s) x %d cycle(s), %s\n", r.Runners, r.Cycles, r.Mode)
	row("", func(c *Report) string { return c.Tool })
	row("runs passed / failed", func(c *Report) string { return fmt.Sprintf("%d / %d", c.RunsPassed, c.RunsFailed) })
	row("environments created", func(c *Report) string { return fmt.Sprint(c.EnvironmentsCreated) })
	row("containers created", func(c *Report) string { return fmt.Sprint(c.ContainersCreated) })
	row("peak mutating calls", func(c *Report) string { return optInt(c.PeakMutatingCalls) })
	row("peak slot-holding calls", func(c *Report) string {
		if c.PeakSlotCalls == nil {
			return "n/a"
		}
		return fmt.Sprintf("%d (limit %d)", *c.PeakSlotCalls, c.SlotLimit)
	})
	row("docker calls per runner", func(c *Report) string { return optFloat(c.DockerCallsPerRunner) })
	row("ping p50/p95/max ms", func(c *Report) string {
		return fmt.Sprintf("%.1f / %.1f / %.1f", c.Ping.P50, c.Ping.P95, c.Ping.Max)
	})
	row("peak memory limits", func(c *Report) string {
		return fmt.Sprintf("%d of %d MiB", c.PeakMemoryLimitsBytes>>20, c.DaemonMemoryBytes>>20)
	})
	row("leftovers", func(c *Report) string { return fmt.Sprint(c.Leftovers) })
	row("wall time", func(c *Report) string { return fmt.Sprintf("%.1fs", float64(c.WallMS)/1000) })
	for _, c := range cols {
		writeDetails(w, c)
	}
	if n := r.Naive; n != nil && len(n.Violations) > 0 {
		fmt.Fprintf(w, "%s (for comparison, not part of the exit status): %d invariant(s) violated, first: %s\n",
			n.Tool, len(n.Violations), n.Violations[0])
	}
	if len(r.Violations) == 0 {
		fmt.Fprintln(w, "berth: every invariant holds")
		return
	}
	fmt.Fprintln(w, "berth: invariants violated:")
	for _, v := range r.Violations {
		fmt.Fprintf(w, "  - %s\n", v)
	}
}

// maxListed bounds the failures and leftovers printed per load.
const maxListed = 10

func writeDetails(w io.Writer, c *Report) {
	for i, f := range c.Failures {
		if i == maxListed {
			fmt.Fprintf(w, "%s: ... and %d more failure(s)\n", c.Tool, len(c.Failures)-i)
			break
		}
		fmt.Fprintf(w, "%s: runner %d cycle %d failed (exit %d): %s\n", c.Tool, f.Runner, f.Cycle, f.ExitCode, firstLine(f.Message))
	}
	for i, l := range c.LeftoverResources {
		if i == maxListed {
			fmt.Fprintf(w, "%s: ... and %d more leftover(s)\n", c.Tool, len(c.LeftoverResources)-i)
			break
		}
		fmt.Fprintf(w, "%s: left behind: %s\n", c.Tool, l)
	}
	for _, env := range slices.Sorted(maps.Keys(c.Creates)) {
		for _, svc := range slices.Sorted(maps.Keys(c.Creates[env])) {
			if n := c.Creates[env][svc]; n != 1 {
				fmt.Fprintf(w, "%s: %s/%s created %d times\n", c.Tool, env, svc, n)
			}
		}
	}
}

func optInt(v *int) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprint(*v)
}

func optFloat(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", *v)
}

// lineShown bounds a failure's message in the text report (--json has it
// whole).
const lineShown = 300

// firstLine is the first line of msg, cut to lineShown.
func firstLine(msg string) string {
	line, _, cut := strings.Cut(msg, "\n")
	if len(line) > lineShown {
		line, cut = line[:lineShown], true
	}
	if cut {
		line += " [...]"
	}
	return line
}
