package pool

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/store"
)

// Reclaim is a pooled copy to tear down, and why.
type Reclaim struct {
	Env store.Env
	Why string
}

// Plan is what a pool needs done now.
type Plan struct {
	Keep    []store.Env // pooled copies that stay, oldest first
	Reclaim []Reclaim
	// Missing is how many copies to create to reach the target size.
	Missing int
}

// Decide plans pool target t over the store's environments envs at now:
// the project's pooled copies of another configuration or older than
// staleAfter (0: never stale) are reclaimed; of the rest the oldest
// t.Size are kept (they are taken first, see [Candidates]) and the
// younger ones beyond that are reclaimed (the pool shrank); Missing is
// what is left to create. Copies being created are not pooled yet and
// do not count: the filler creates one at a time under the pool's lock.
func Decide(t store.Pool, envs []store.Env, now time.Time, staleAfter time.Duration) Plan {
	var p Plan
	for _, e := range pooled(envs, t.Project) {
		switch {
		case e.ConfigHash != t.ConfigHash:
			p.Reclaim = append(p.Reclaim, Reclaim{e, "its configuration changed"})
		case staleAfter > 0 && now.Sub(e.CreatedAt) >= staleAfter:
			p.Reclaim = append(p.Reclaim, Reclaim{e, fmt.Sprintf("stale: created %s ago", now.Sub(e.CreatedAt).Round(time.Second))})
		case len(p.Keep) >= t.Size:
			p.Reclaim = append(p.Reclaim, Reclaim{e, fmt.Sprintf("the pool's size is %d", t.Size)})
		default:
			p.Keep = append(p.Keep, e)
		}
	}
	p.Missing = max(t.Size-len(p.Keep), 0)
	return p
}

// Candidates are the pooled copies of project with configuration hash a
// taker may take, oldest first (so none sits in the pool until stale).
func Candidates(envs []store.Env, project, hash string) []store.Env {
	var out []store.Env
	for _, e := range pooled(envs, project) {
		if e.ConfigHash == hash {
			out = append(out, e)
		}
	}
	return out
}

// Ready are the IDs of pool target t's takeable copies among envs
// ([Candidates], oldest first) and when each became ready; empty, not
// nil, when there are none.
func Ready(envs []store.Env, t store.Pool) (ids []string, readyAt []time.Time) {
	ids, readyAt = []string{}, []time.Time{}
	for _, e := range Candidates(envs, t.Project, t.ConfigHash) {
		ids = append(ids, e.ID)
		readyAt = append(readyAt, e.ReadyAt)
	}
	return ids, readyAt
}

// Reclaimable is [Decide]'s reclaims over every pool of targets, by
// environment ID with the reason: for gc. A pooled copy of a project with
// no target (drained, or its target lost) is reclaimed too.
func Reclaimable(targets []store.Pool, envs []store.Env, now time.Time, staleAfter time.Duration) map[string]string {
	out := map[string]string{}
	known := map[string]bool{}
	for _, t := range targets {
		known[t.Project] = true
		for _, r := range Decide(t, envs, now, staleAfter).Reclaim {
			out[r.Env.ID] = "pooled copy: " + r.Why
		}
	}
	for _, e := range envs {
		if e.State == store.StatePooled && !known[e.Project] {
			out[e.ID] = "pooled copy of a project with no pool"
		}
	}
	return out
}

// pooled are project's pooled copies, oldest first.
func pooled(envs []store.Env, project string) []store.Env {
	var out []store.Env
	for _, e := range envs {
		if e.State == store.StatePooled && e.Project == project && e.Mode == plan.ModeDedicated {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b store.Env) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}
