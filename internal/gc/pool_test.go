package gc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/store"
)

func pooledCopy(id, hash string, created time.Time) store.Env {
	return store.Env{ID: id, Project: "p", Mode: "dedicated", ConfigHash: hash, State: store.StatePooled, CreatedAt: created}
}

// TestPooledCopiesFollowThePool: a pooled copy has no lease and lingers
// 0, yet gc keeps it while its pool wants it; it reclaims the copies of a
// changed configuration, beyond the pool's size, stale, or of a drained
// pool.
func TestPooledCopiesFollowThePool(t *testing.T) {
	f := facts()
	f.withEnv(pooledCopy("keep", "h", now.Add(-time.Hour)), 0, now.Add(-time.Hour))
	f.withEnv(pooledCopy("excess", "h", now.Add(-time.Minute)), 0, now.Add(-time.Minute))
	f.withEnv(pooledCopy("oldconf", "h0", now.Add(-time.Minute)), 0, now.Add(-time.Minute))
	f.withEnv(pooledCopy("stale", "h", now.Add(-5*time.Hour)), 0, now.Add(-5*time.Hour))
	f.Pools = []store.Pool{{Project: "p", ConfigHash: "h", Size: 1}}
	p := Build(f, safe())
	assert.Contains(t, keptReason(t, p, "keep"), "pooled")
	var gone []string
	for _, td := range p.Teardowns {
		gone = append(gone, td.Env)
		assert.True(t, td.Pooled)
	}
	assert.ElementsMatch(t, []string{"excess", "oldconf", "stale"}, gone)

	f.Pools[0].Size = 0 // drained
	p = Build(f, safe())
	assert.Len(t, p.Teardowns, 4)
}
