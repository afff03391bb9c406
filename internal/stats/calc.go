package stats

import (
	"cmp"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/store"
)

// The aggregations behind [Reporter.Report]: pure functions over records.

// restartStats counts restarts per (environment, service) by kind,
// sorted by environment then service.
func restartStats(recs []store.RestartRecord) []ServiceRestarts {
	idx := map[[2]string]int{}
	out := []ServiceRestarts{}
	for _, r := range recs {
		k := [2]string{r.EnvID, r.Service}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, ServiceRestarts{EnvID: r.EnvID, Service: r.Service})
		}
		switch r.Kind {
		case store.RestartDone:
			out[i].Done++
		case store.RestartRefused:
			out[i].Refused++
		case store.RestartForced:
			out[i].Forced++
		case store.RestartEngine:
			out[i].Engine++
		case store.RestartRevived:
			out[i].Revived++
		}
	}
	slices.SortFunc(out, func(a, b ServiceRestarts) int {
		return cmp.Or(cmp.Compare(a.EnvID, b.EnvID), cmp.Compare(a.Service, b.Service))
	})
	return out
}

// usageStats folds usage records, oldest first, into [UsageStats].
func usageStats(recs []store.UsageRecord) UsageStats {
	var u UsageStats
	var ready []time.Duration
	holders := 0
	for _, r := range recs {
		switch r.Kind {
		case store.UsageAcquire:
			u.Created++
			ready = append(ready, time.Duration(r.ValueMS)*time.Millisecond)
			holders++
		case store.UsageReuse:
			u.ReuseHits++
			holders++
		case store.UsageRelease:
			u.Releases++
			holders = max(holders-1, 0) // a release of a lease taken before the window
		}
		u.PeakHolders = max(u.PeakHolders, holders)
	}
	u.Acquisitions = u.Created + u.ReuseHits
	slices.Sort(ready)
	u.ReadyP50, u.ReadyP95 = percentile(ready, 50), percentile(ready, 95)
	return u
}

// opStats groups op records by kind (sorted) and totals them.
func opStats(recs []store.OpRecord) (byKind []OpKindStats, total OpKindStats) {
	lat := map[string][]time.Duration{}
	idx := map[string]int{}
	var all []time.Duration
	for _, r := range recs {
		i, ok := idx[r.Op]
		if !ok {
			i = len(byKind)
			idx[r.Op] = i
			byKind = append(byKind, OpKindStats{Op: r.Op})
		}
		s := &byKind[i]
		s.Count++
		s.Retries += r.Retries
		switch r.ErrorKind {
		case "":
		case errKindCircuitOpen:
			s.Refused++
			s.Errors++
		default:
			s.Errors++
		}
		lat[r.Op] = append(lat[r.Op], r.Duration)
		all = append(all, r.Duration)
	}
	total.Op = "all"
	for i := range byKind {
		s := &byKind[i]
		d := lat[s.Op]
		slices.Sort(d)
		s.P50, s.P95 = percentile(d, 50), percentile(d, 95)
		total.Count += s.Count
		total.Errors += s.Errors
		total.Refused += s.Refused
		total.Retries += s.Retries
	}
	slices.Sort(all)
	total.P50, total.P95 = percentile(all, 50), percentile(all, 95)
	slices.SortFunc(byKind, func(a, b OpKindStats) int { return cmp.Compare(a.Op, b.Op) })
	return byKind, total
}

// oomSameKill is how close two records of one container's OOM kill are
// taken to be the same kill.
const oomSameKill = 5 * time.Second

// oomKills lists the OOM kills the event records saw (an "oom" event, or
// a "die" flagged OOM-killed without its "oom") and, once each, the
// containers whose state says OOM-killed that no record covers (killed
// while no berth process watched). Oldest first; unknown times last.
func oomKills(events []store.EventRecord, current []OOMKill, since time.Time) []OOMKill {
	out := []OOMKill{}
	seenOOM := map[string]bool{}
	for _, e := range events {
		if e.Action == "oom" {
			seenOOM[e.Container] = true
		}
	}
	for _, e := range events {
		// Two recorders (the watcher, a failed up) may report one kill:
		// the same container within a few seconds is one kill.
		dup := slices.ContainsFunc(out, func(k OOMKill) bool {
			return engine.SameContainer(k.Container, e.Container) && e.Time.Sub(k.Time).Abs() < oomSameKill
		})
		if !dup && (e.Action == "oom" || (e.OOMKilled && !seenOOM[e.Container])) {
			out = append(out, OOMKill{Time: e.Time, EnvID: e.EnvID, Service: e.Service, Container: e.Container,
				MemoryLimit: e.MemoryLimit})
		}
	}
	for _, c := range current {
		covered := slices.ContainsFunc(out, func(k OOMKill) bool { return engine.SameContainer(k.Container, c.Container) })
		if covered || (!since.IsZero() && !c.Time.IsZero() && c.Time.Before(since)) {
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b OOMKill) int {
		if a.Time.IsZero() != b.Time.IsZero() {
			if a.Time.IsZero() {
				return 1
			}
			return -1
		}
		return a.Time.Compare(b.Time)
	})
	return out
}

// percentile of an ascending slice, nearest-rank; 0 when empty.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}
