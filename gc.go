package berth

import (
	"context"
	"errors"
	"time"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gc"
)

// recordsKept is how long op, usage, restart and event records are kept
// (gc prunes older ones).
const recordsKept = 7 * 24 * time.Hour

// GCMode selects how far [Manager.GC] reaches: [GCSafe] (berth's own
// resources only), [GCNormal] (plus unused berth volumes and dangling
// images berth built) or [GCDeep] (plus every unused image and volume on
// the daemon and the build cache).
type GCMode = gc.Mode

// GC modes.
const (
	GCSafe   = gc.Safe
	GCNormal = gc.Normal
	GCDeep   = gc.Deep
)

// ParseGCMode reads "safe", "normal" or "deep".
func ParseGCMode(s string) (GCMode, error) { return gc.ParseMode(s) }

// GCPlan is a cleanup plan: the environments to take down, the removals in
// execution order with a reason and estimated size each, and what is kept
// and why.
type GCPlan = gc.Plan

// GCAction is one removal of a [GCPlan].
type GCAction = gc.Action

// GCOptions tune [Manager.GC]. The zero value is a safe cleanup with
// berth's defaults.
type GCOptions struct {
	Mode GCMode
	// StaleAfter overrides every environment's stale age; nil uses
	// BERTH_STALE_AFTER, else each project's x-berth.stale_after, else 4 h.
	StaleAfter *time.Duration
	// MinAge is the age below which nothing is an orphan or an unused
	// image or volume; nil means 5 min.
	MinAge *time.Duration
	// DryRun plans and reports without removing anything (not even dead
	// leases).
	DryRun bool
	// Measure asks the daemon for sizes (docker system df, which can take
	// seconds on a big daemon), for the plan's estimates and the report's
	// before and after. Modes normal and deep always measure.
	Measure bool
}

// Outcomes of a [GCResult].
const (
	GCRemoved = "removed" // this run removed it
	GCGone    = "gone"    // it was already gone
	GCSkipped = "skipped" // left on purpose: Detail says why
	GCFailed  = "failed"  // the removal failed: Detail has the error
)

// GCResult is what happened to one planned action.
type GCResult struct {
	Action  GCAction `json:"action"`
	Outcome string   `json:"outcome"`
	Detail  string   `json:"detail,omitempty"`
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

// GCReport says what [Manager.GC] planned and did.
type GCReport struct {
	DryRun       bool       `json:"dry_run"`
	Plan         GCPlan     `json:"plan"`
	Results      []GCResult `json:"results"`       // one per plan action, in order; none on a dry run
	ReapedLeases []string   `json:"reaped_leases"` // lease IDs whose holders were gone
	TornDown     []string   `json:"torn_down"`     // environments taken down completely
	// Before and After are the daemon's disk use around the run (After is
	// nil on a dry run); both nil unless measured.
	Before *DiskTotals `json:"before,omitempty"`
	After  *DiskTotals `json:"after,omitempty"`
	// Warnings are what went wrong without stopping gc (a size it could
	// not measure).
	Warnings []string `json:"warnings,omitempty"`
}

// Reclaimed sums what the removals freed.
func (r GCReport) Reclaimed() int64 {
	var n int64
	for _, res := range r.Results {
		n += res.Reclaimed
	}
	return n
}

// GC reaps dead leases, plans a cleanup (see package internal/gc for the
// rules) and, unless o.DryRun, executes the plan: each environment is
// taken down under its lock after its leases and record are checked again,
// so an acquirer racing with gc either gets the environment intact or a
// fresh one. Removal is graceful and never forced. Resources without
// berth's labels are touched only in mode deep, and only when unused.
func (m *Manager) GC(ctx context.Context, o GCOptions) (GCReport, error) {
	rep := GCReport{DryRun: o.DryRun, Plan: GCPlan{Mode: o.Mode}}
	s, err := m.gcSettings(o)
	if err != nil {
		return rep, err
	}
	db, locks, err := m.state(ctx)
	if err != nil {
		return rep, err
	}
	if !o.DryRun {
		reaped, err := m.reapDeadLeases(ctx, db)
		if err != nil {
			return rep, err
		}
		for _, l := range reaped {
			rep.ReapedLeases = append(rep.ReapedLeases, l.ID)
		}
		// Statistics cover a week: older op, usage, restart and event records go.
		if err := db.PruneRecords(ctx, m.now().Add(-recordsKept)); err != nil {
			m.log.Warn("prune old records", "err", err)
		}
	}
	measure := o.Measure || s.Mode >= gc.Normal
	f, before, warning, err := m.gcFacts(ctx, db, locks, s.Mode, measure)
	if err != nil {
		return rep, err
	}
	rep.Before = before
	if warning != "" {
		rep.Warnings = append(rep.Warnings, warning)
		measure = false
	}
	rep.Plan = gc.Build(f, s)
	if o.DryRun {
		return rep, nil
	}
	var errs []error
	rep.Results, rep.TornDown, errs = m.gcExecute(ctx, db, locks, rep.Plan)
	if measure {
		after, err := m.diskTotals(ctx)
		if err != nil {
			rep.Warnings = append(rep.Warnings, err.Error())
		}
		rep.After = after
	}
	return rep, errors.Join(errs...)
}

// gcSettings decides the plan's settings: options, then BERTH_STALE_AFTER,
// then the defaults.
func (m *Manager) gcSettings(o GCOptions) (gc.Settings, error) {
	env, err := config.EnvFromEnv(m.getenv)
	if err != nil {
		return gc.Settings{}, &InputError{Err: err}
	}
	s := gc.Settings{Mode: o.Mode, StaleAfter: o.StaleAfter, MinAge: gc.DefaultMinAge}
	if s.StaleAfter == nil {
		s.StaleAfter = env.StaleAfter
	}
	if o.MinAge != nil {
		s.MinAge = *o.MinAge
	}
	if s.StaleAfter != nil && *s.StaleAfter <= 0 {
		return s, &InputError{Err: errors.New("the stale age must be greater than zero")}
	}
	if s.MinAge < 0 {
		return s, &InputError{Err: errors.New("the minimum age must not be negative")}
	}
	if s.Mode < gc.Safe || s.Mode > gc.Deep {
		return s, &InputError{Err: errors.New("unknown gc mode " + s.Mode.String())}
	}
	return s, nil
}
