package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// buildSomething builds this world's sample stack once (up, then down), so
// the daemon's BuildKit holds build cache records of it.
func (w *world) buildSomething(t *testing.T) {
	t.Helper()
	w.removeBuiltImages()
	file := w.buildStack(itest.Busybox(t, w.e), sampleDockerfile, "")
	w.downAtEnd(file)
	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
}

// buildCacheAction is the build cache's action of a gc plan, if any.
func buildCacheAction(r gcReport) (gcAction, bool) {
	for _, a := range r.Plan.Actions {
		if a.Kind == "build-cache" {
			return a, true
		}
	}
	return gcAction{}, false
}

// TestGCDeepDryRunListsBuildCache: after a BuildKit build, gc --mode deep
// --dry-run lists the build cache with its size (in JSON and as text),
// and removes nothing.
func TestGCDeepDryRunListsBuildCache(t *testing.T) {
	w := newWorld(t)
	w.buildSomething(t)
	before, err := w.e.DiskUsage(t.Context())
	require.NoError(t, err)
	require.Positive(t, before.BuildCache.Size, "the build left build cache")

	plan := w.gc(t, nil, "--mode", "deep", "--min-age", "0s", "--dry-run")
	a, ok := buildCacheAction(plan)
	require.True(t, ok, "deep's plan has the build cache: %+v", plan.Plan.Actions)
	t.Logf("dry run: build cache %d bytes reclaimable (daemon: %d records, %d bytes)", a.Size, before.BuildCache.Count, before.BuildCache.Size)
	assert.Positive(t, a.Size, "its reclaimable size")
	r := w.run("gc", "--mode", "deep", "--min-age", "0s", "--dry-run")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `build-cache build cache\s+-\s+deep: every build cache record not in use\s+\d`, r.stdout)
	assert.Contains(t, r.stdout, "build cache ", "the disk usage line names the build cache")
	assert.True(t, plan.DryRun)
	assert.Empty(t, plan.Results, "a dry run removes nothing")
}

// TestGCDeepReclaimsBuildCache: gc --mode deep --yes prunes the build
// cache a BuildKit build left and reports the bytes reclaimed. It prunes
// the daemon's whole build cache (and every unused image and volume), so
// it runs only when BERTH_GC_DEEP_TEST=1, alone (scripts/test).
func TestGCDeepReclaimsBuildCache(t *testing.T) {
	if os.Getenv("BERTH_GC_DEEP_TEST") != "1" {
		t.Skip("prunes the daemon's build cache and every unused image and volume: set BERTH_GC_DEEP_TEST=1 (scripts/test does in CI)")
	}
	w := newWorld(t)
	// An environment of the test image stays up through the prune, so the
	// image the later tests of this process use is in use, not pruned.
	h := newHolder(t)
	w.upFor(t, gcStack(t, "deep-build", ""), h)
	w.buildSomething(t)
	before, err := w.e.DiskUsage(t.Context())
	require.NoError(t, err)
	require.Positive(t, before.BuildCache.Size, "the build left build cache")

	run := w.gc(t, nil, "--mode", "deep", "--min-age", "0s", "--yes")
	var reclaimed int64
	found := false
	for _, res := range run.Results {
		if res.Action.Kind == "build-cache" {
			found = true
			assert.Equal(t, "removed", res.Outcome, res.Detail)
			reclaimed = res.Reclaimed
		}
	}
	require.True(t, found, "the build cache was in the plan: %+v", run.Plan.Actions)
	after, err := w.e.DiskUsage(t.Context())
	require.NoError(t, err)
	t.Logf("deep gc reclaimed %d bytes of build cache; build cache before %d bytes (%d records), after %d bytes (%d records)",
		reclaimed, before.BuildCache.Size, before.BuildCache.Count, after.BuildCache.Size, after.BuildCache.Count)
	assert.Positive(t, reclaimed)
	assert.Less(t, after.BuildCache.Size, before.BuildCache.Size)
	_, err = w.e.ImageInspect(t.Context(), w.image)
	require.NoError(t, err, "the image a running environment uses survives")
	h.kill()
}
