package pool

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/store"
)

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func copyOf(id, project, hash string, state store.State, age time.Duration) store.Env {
	return store.Env{ID: id, Project: project, Mode: plan.ModeDedicated, ConfigHash: hash, State: state,
		CreatedAt: t0.Add(-age)}
}

func ids(es []store.Env) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestDecideFillsToSize(t *testing.T) {
	envs := []store.Env{copyOf("a", "p", "h", store.StatePooled, time.Minute),
		copyOf("b", "p", "h", store.StateReady, time.Minute),    // taken: not the pool's
		copyOf("c", "p", "h", store.StateCreating, time.Minute), // being made: not counted
		copyOf("d", "q", "h", store.StatePooled, time.Minute)}   // another project
	p := Decide(store.Pool{Project: "p", ConfigHash: "h", Size: 3}, envs, t0, 0)
	assert.Equal(t, []string{"a"}, ids(p.Keep))
	assert.Empty(t, p.Reclaim)
	assert.Equal(t, 2, p.Missing)
}

func TestDecideReplacesAChangedConfiguration(t *testing.T) {
	envs := []store.Env{copyOf("old", "p", "h1", store.StatePooled, time.Minute), copyOf("new", "p", "h2", store.StatePooled, 0)}
	p := Decide(store.Pool{Project: "p", ConfigHash: "h2", Size: 2}, envs, t0, 0)
	assert.Equal(t, []string{"new"}, ids(p.Keep))
	assert.Len(t, p.Reclaim, 1)
	assert.Equal(t, "old", p.Reclaim[0].Env.ID)
	assert.Contains(t, p.Reclaim[0].Why, "configuration changed")
	assert.Equal(t, 1, p.Missing)
}

func TestDecideReclaimsStaleAndExcess(t *testing.T) {
	envs := []store.Env{copyOf("stale", "p", "h", store.StatePooled, 5*time.Hour),
		copyOf("o", "p", "h", store.StatePooled, 2*time.Hour), copyOf("y", "p", "h", store.StatePooled, time.Hour),
		copyOf("z", "p", "h", store.StatePooled, time.Minute)}
	p := Decide(store.Pool{Project: "p", ConfigHash: "h", Size: 2}, envs, t0, 4*time.Hour)
	assert.Equal(t, []string{"o", "y"}, ids(p.Keep), "the oldest fresh copies stay")
	var gone []string
	for _, r := range p.Reclaim {
		gone = append(gone, r.Env.ID)
	}
	assert.Equal(t, []string{"stale", "z"}, gone)
	assert.Equal(t, 0, p.Missing)

	drained := Decide(store.Pool{Project: "p", ConfigHash: "h", Size: 0}, envs, t0, 0)
	assert.Empty(t, drained.Keep)
	assert.Len(t, drained.Reclaim, 4)
}

func TestCandidatesOldestFirstOfTheConfiguration(t *testing.T) {
	envs := []store.Env{copyOf("young", "p", "h", store.StatePooled, time.Minute),
		copyOf("old", "p", "h", store.StatePooled, time.Hour), copyOf("other", "p", "h2", store.StatePooled, 2*time.Hour),
		copyOf("taken", "p", "h", store.StateReady, 3*time.Hour)}
	assert.Equal(t, []string{"old", "young"}, ids(Candidates(envs, "p", "h")))
}

func TestReclaimableCoversPoolsWithoutTarget(t *testing.T) {
	envs := []store.Env{copyOf("a", "p", "h", store.StatePooled, 0), copyOf("b", "p", "h", store.StatePooled, 0),
		copyOf("orphan", "gone", "h", store.StatePooled, 0)}
	got := Reclaimable([]store.Pool{{Project: "p", ConfigHash: "h", Size: 1}}, envs, t0, 0)
	assert.Len(t, got, 2)
	assert.Contains(t, got, "b")
	assert.Contains(t, got, "orphan")
}
