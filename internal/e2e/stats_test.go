package e2e

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatsAfterRuns: after two berth runs, berth stats --json is valid
// JSON that counts both acquisitions (the environment is made each time:
// linger 0) and the Docker operations of every process, and run --stats
// prints the report at the end.
func TestStatsAfterRuns(t *testing.T) {
	w := newWorld(t)
	file := testdata("small.yaml")
	first := w.run("run", "-p", w.project, "-f", file, "--", "true")
	require.Equal(t, 0, first.code, first.stderr)
	second := w.run("run", "-p", w.project, "-f", file, "--stats", "--", "true")
	require.Equal(t, 0, second.code, second.stderr)
	assert.Contains(t, second.stderr, "DOCKER OPERATIONS")
	assert.Contains(t, second.stderr, "container_create")

	r := w.run("stats", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var st struct {
		Usage struct {
			Acquisitions int   `json:"acquisitions"`
			Created      int   `json:"created"`
			ReuseHits    int   `json:"reuse_hits"`
			Releases     int   `json:"releases"`
			PeakHolders  int   `json:"peak_holders"`
			ReadyP50     int64 `json:"ready_p50_ns"`
		} `json:"usage"`
		Ops []struct {
			Op    string `json:"op"`
			Count int    `json:"count"`
			P50   int64  `json:"p50_ns"`
		} `json:"ops"`
		OpsTotal struct {
			Count int `json:"count"`
		} `json:"ops_total"`
		Memory []any `json:"memory"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &st), r.stdout)
	assert.Equal(t, 2, st.Usage.Acquisitions)
	assert.Equal(t, 2, st.Usage.Created)
	assert.Equal(t, 2, st.Usage.Releases)
	assert.Equal(t, 1, st.Usage.PeakHolders)
	assert.Positive(t, st.Usage.ReadyP50)
	assert.Positive(t, st.OpsTotal.Count)
	counts := map[string]int{}
	for _, o := range st.Ops {
		counts[o.Op] = o.Count
	}
	assert.Equal(t, 2, counts["container_create"], "one create per run: %v", counts)
	assert.Equal(t, 2, counts["container_remove"], "one remove per run: %v", counts)
	t.Logf("ops: %v; ready p50 %d ms", counts, st.Usage.ReadyP50/1e6)
}
