package gc

import (
	"fmt"
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/pool"
	"github.com/berth-dev/berth/internal/store"
)

// verdict is the decision on one environment.
type verdict struct {
	teardown bool
	reason   string
	// protected: nothing of it may be removed, not even by a mode's extras
	// (an unused volume of it, say).
	protected bool
}

func keep(protected bool, format string, args ...any) verdict {
	return verdict{reason: fmt.Sprintf(format, args...), protected: protected}
}

func teardown(format string, args ...any) verdict {
	return verdict{teardown: true, reason: fmt.Sprintf(format, args...)}
}

// decide applies the rules of the package documentation to one
// environment.
func decide(g *group, f Facts, s Settings) verdict {
	if g.record != nil && g.record.LiveLeases > 0 {
		return keep(true, "in use: %d live lease(s)", g.record.LiveLeases)
	}
	if f.Busy[g.id] {
		return keep(true, "being created or acquired: its lock is held")
	}
	if st := g.foreignState(f.identity()); st != "" {
		return keep(true, "belongs to another berth state directory (%s)", st)
	}
	if g.record != nil && g.record.Record.State == store.StatePooled {
		return decidePooled(g, f, s)
	}
	if g.record != nil {
		return decideKnown(g, f.Now, s)
	}
	if g.unstamped() {
		return keep(true, "not in the store and carries no %s label (made by an older berth, or by hand): not known to be ours; `berth down --env %s --now` removes it",
			"dev.berth.state", g.id)
	}
	return decideOrphan(g, f, s)
}

// decideKnown judges an environment of the store with no live lease.
func decideKnown(g *group, now time.Time, s Settings) verdict {
	rec := g.record.Record
	since, linger := rec.IdleSince, rec.Linger
	switch {
	case g.record.DeadLeases > 0:
		since = now // reaping its dead leases makes it idle from now
	case since.IsZero():
		since = rec.CreatedAt // never leased: its creator died before leasing it
	}
	if rec.Mode == plan.ModeDedicated {
		linger = 0
	}
	if !now.Before(since.Add(linger)) {
		if rec.Mode == plan.ModeDedicated {
			return teardown("dedicated copy with no live lease")
		}
		return teardown("idle for %s, linger %s passed", dur(now.Sub(since)), dur(linger))
	}
	if stale := s.staleAfter(rec.StaleAfter); now.Sub(rec.CreatedAt) >= stale {
		return teardown("stale: created %s ago, stale after %s, no live lease", dur(now.Sub(rec.CreatedAt)), dur(stale))
	}
	if d := g.died(); d != "" {
		return teardown("broken: %s; its next acquire would recreate it", d)
	}
	return keep(false, "lingering for reuse until %s (linger %s)", since.Add(linger).Format(time.DateTime), dur(linger))
}

// decidePooled judges a warm pool's copy by the pool's rules
// ([pool.Reclaimable]): kept while its pool wants it, reclaimed when the
// pool shrank or was drained, its configuration changed, or it is stale.
func decidePooled(g *group, f Facts, s Settings) verdict {
	var recs []store.Env
	for _, e := range f.Envs {
		recs = append(recs, e.Record)
	}
	if why, ok := pool.Reclaimable(f.Pools, recs, f.Now, s.staleAfter(0))[g.id]; ok {
		return teardown("%s", why)
	}
	return keep(false, "pooled: ready for the next dedicated acquire")
}

// decideOrphan judges labelled resources the store does not know.
func decideOrphan(g *group, f Facts, s Settings) verdict {
	oldest, newest := g.createdRange()
	if newest.After(f.Now.Add(-s.MinAge)) {
		return keep(true, "not in the store but younger than the minimum age %s: its creator may still be recording it", dur(s.MinAge))
	}
	if h := g.otherHost(f.Host); h != "" {
		stale := s.staleAfter(0)
		if f.Now.Sub(oldest) >= stale {
			return teardown("orphan made on host %s, stale: created %s ago, stale after %s", h, dur(f.Now.Sub(oldest)), dur(stale))
		}
		return keep(true, "not in the store and made on host %s, whose berth may hold its leases; taken down once stale (at %s)",
			h, oldest.Add(stale).Format(time.DateTime))
	}
	if oldest.Before(f.StoreCreated) && g.running() {
		stale := s.staleAfter(0)
		if f.Now.Sub(oldest) >= stale {
			return teardown("orphan older than the store, stale: created %s ago, stale after %s", dur(f.Now.Sub(oldest)), dur(stale))
		}
		return keep(true, "not in the store, but older than it: runners whose leases a lost store held may use it; taken down once stale (at %s)",
			oldest.Add(stale).Format(time.DateTime))
	}
	return teardown("orphan: berth's store does not know it, created %s ago", dur(f.Now.Sub(oldest)))
}

// dur prints d rounded to the second (to the millisecond below one).
func dur(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

func itoa(n int) string { return strconv.Itoa(n) }
