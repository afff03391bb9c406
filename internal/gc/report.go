package gc

import "time"

// Options tune a [Collector] run. The zero value is a safe cleanup with
// berth's defaults.
type Options struct {
	Mode Mode
	// StaleAfter overrides every environment's stale age; nil uses
	// BERTH_STALE_AFTER, else each project's x-berth.stale_after, else 4 h.
	StaleAfter *time.Duration
	// MinAge is the age below which nothing is an orphan or an unused
	// image or volume; nil means [DefaultMinAge].
	MinAge *time.Duration
	// DryRun plans and reports without removing anything (not even dead
	// leases).
	DryRun bool
	// Measure asks the daemon for sizes (docker system df, which can take
	// seconds on a big daemon), for the plan's estimates and the report's
	// before and after. Modes normal and deep always measure.
	Measure bool
}

// Outcomes of a [Result].
const (
	Removed = "removed" // this run removed it
	Gone    = "gone"    // it was already gone
	Skipped = "skipped" // left on purpose: Detail says why
	Failed  = "failed"  // the removal failed: Detail has the error
)

// Result is what happened to one planned action.
type Result struct {
	Action  Action `json:"action"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
	// Reclaimed is the bytes this removal freed: the plan's estimate, or
	// for the build cache what the daemon reported.
	Reclaimed int64 `json:"reclaimed"`
}

// DiskTotals is the daemon's disk use in bytes by category.
type DiskTotals struct {
	Images     int64 `json:"images"`
	Containers int64 `json:"containers"`
	Volumes    int64 `json:"volumes"`
	BuildCache int64 `json:"build_cache"`
}

// Total is the sum of the categories.
func (d DiskTotals) Total() int64 { return d.Images + d.Containers + d.Volumes + d.BuildCache }

// Report says what a [Collector] run planned and did.
type Report struct {
	DryRun       bool     `json:"dry_run"`
	Plan         Plan     `json:"plan"`
	Results      []Result `json:"results"`       // one per plan action, in order; none on a dry run
	ReapedLeases []string `json:"reaped_leases"` // lease IDs whose holders were gone
	TornDown     []string `json:"torn_down"`     // environments taken down completely
	// Before and After are the daemon's disk use around the run (After is
	// nil on a dry run); both nil unless measured.
	Before *DiskTotals `json:"before,omitempty"`
	After  *DiskTotals `json:"after,omitempty"`
	// Warnings are what went wrong without stopping gc (a size it could
	// not measure).
	Warnings []string `json:"warnings,omitempty"`
}

// Blank reports whether r says nothing at all: no lease reaped, nothing
// planned, kept, measured or done (a run that failed before it began, such
// as one whose store did not answer). Such a report is not printed.
func (r Report) Blank() bool {
	p := r.Plan
	return len(p.Teardowns) == 0 && len(p.Actions) == 0 && len(p.Kept) == 0 && len(r.Results) == 0 &&
		len(r.ReapedLeases) == 0 && len(r.TornDown) == 0 && r.Before == nil && r.After == nil && len(r.Warnings) == 0
}

// Reclaimed sums what the removals freed.
func (r Report) Reclaimed() int64 {
	var n int64
	for _, res := range r.Results {
		n += res.Reclaimed
	}
	return n
}
