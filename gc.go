package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/gc"
)

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

// The cleanup's plan, options and report (see package internal/gc).
type (
	GCPlan     = gc.Plan       // environments to take down, removals in order, what is kept and why
	GCAction   = gc.Action     // one removal of a plan
	GCOptions  = gc.Options    // the zero value is a safe cleanup with berth's defaults
	GCResult   = gc.Result     // what happened to one planned action
	GCReport   = gc.Report     // what a run planned and did
	DiskTotals = gc.DiskTotals // the daemon's disk use by category
)

// Outcomes of a [GCResult].
const (
	GCRemoved = gc.Removed
	GCGone    = gc.Gone
	GCSkipped = gc.Skipped
	GCFailed  = gc.Failed
)

// GC reaps dead leases, plans a cleanup and, unless o.DryRun, carries it
// out: each environment is taken down under its lock after its leases and
// record are checked again, so an acquirer racing with gc gets the
// environment intact or a fresh one. Removal is graceful and never forced.
// Resources without berth's labels are touched only in mode deep, and only
// when unused. Bad options are refused before any Docker call.
func (m *Manager) GC(ctx context.Context, o GCOptions) (GCReport, error) {
	rep := GCReport{DryRun: o.DryRun, Plan: GCPlan{Mode: o.Mode}}
	env, err := config.EnvFromEnv(m.getenv)
	if err != nil {
		return rep, failure.Input(err)
	}
	if _, err := gc.ResolveSettings(o, env.StaleAfter); err != nil {
		return rep, err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return rep, err
	}
	return sys.collector.Run(ctx, o)
}
