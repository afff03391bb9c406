package e2e

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poolJSON is what `berth pool fill/drain --json` print.
type poolJSON []struct {
	Project string   `json:"project"`
	Size    int      `json:"size"`
	Ready   []string `json:"ready"`
}

func (w *world) pool(t *testing.T, args ...string) poolJSON {
	t.Helper()
	r := w.run(append([]string{"pool"}, append(args, "-p", w.project, "-f", testdata("pair.yaml"), "--json")...)...)
	require.Equal(t, 0, r.code, r.stderr)
	var p poolJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &p), r.stdout)
	require.Len(t, p, 1)
	return p
}

var envLine = regexp.MustCompile(`(?m)^env=(\S+)$`)

// TestWarmPoolTakersNeverShareACopy: with a pool of 2 filled, 10 berth run
// --dedicated processes at once all pass; each gets a copy of its own
// (the two pooled copies go to exactly one taker each, the other eight
// are created as without a pool); the taken copies are torn down after
// their lease, the detached refills bring the pool back to 2 ready copies
// none of which was used, and drain empties it.
func TestWarmPoolTakersNeverShareACopy(t *testing.T) {
	w := newWorld(t)
	// The runs start detached refills; a drain at the end (also on
	// failure) stops them from making more and takes the pool down.
	t.Cleanup(func() { w.run("pool", "drain", "-p", w.project, "-f", testdata("pair.yaml")) })
	filled := w.pool(t, "fill", "--size", "2")
	require.Len(t, filled[0].Ready, 2, "fill returns once both copies are ready")
	pooled := filled[0].Ready

	results := w.runAll(10, append([]string{"run", "--dedicated", "-p", w.project, "-f", testdata("pair.yaml"), "--",
		"sh", "-c", `echo "env=$BERTH_ENV"; exec "$@"`, "sh"}, checkCmd()...)...)
	var got []string
	for i, r := range results {
		require.Equal(t, 0, r.code, "runner %d (pooled %v): %s %s", i, pooled, r.stdout, r.stderr)
		m := envLine.FindStringSubmatch(r.stdout)
		require.NotNil(t, m, r.stdout)
		got = append(got, m[1])
	}
	slices.Sort(got)
	assert.Len(t, slices.Compact(slices.Clone(got)), 10, "every runner had a copy of its own: %v", got)
	for _, id := range pooled {
		assert.Contains(t, got, id, "pooled copy %s was taken", id)
	}

	// fill waits for the pool's lock: the refills the runs started finish first.
	refilled := w.pool(t, "fill")
	require.Len(t, refilled[0].Ready, 2)
	for _, id := range refilled[0].Ready {
		assert.NotContains(t, got, id, "a copy is used once")
	}
	for _, id := range got {
		assert.False(t, w.running(t, t.Context(), id), "copy %s torn down after its lease", id)
	}

	drained := w.pool(t, "drain")
	assert.Empty(t, drained[0].Ready)
	assert.Equal(t, 0, drained[0].Size)
	assert.Empty(t, w.leftovers(t.Context()))
}
