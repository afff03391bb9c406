package gate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
)

// buildSpecIn is a build of tag from a context directory holding a
// Dockerfile, labelled with digest.
func buildSpecIn(t *testing.T, tag, digest string) engine.BuildSpec {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o600))
	return engine.BuildSpec{Dir: dir, Tags: []string{tag}, Labels: map[string]string{labels.BuildDigest: digest}}
}

// An image already built (its tag, with the same digest) when the caller
// holds the build lock is not built again, and the caller is told; a new
// digest builds again.
func TestBuildOnceSkipsAnImageAlreadyBuilt(t *testing.T) {
	f := fake.New()
	g := newGate(t, t.TempDir(), f, nil)
	require.NoError(t, g.ImageBuild(t.Context(), buildSpecIn(t, "berth/app-web:1", "sha256:a")))
	spec := buildSpecIn(t, "berth/app-web:1", "sha256:a")
	var notices []string
	spec.Progress = func(p engine.BuildProgress) {
		if p.Notice != "" {
			notices = append(notices, p.Notice)
		}
	}
	require.NoError(t, g.ImageBuild(t.Context(), spec))
	assert.Equal(t, 1, f.Calls(engine.OpImageBuild), "the image was there: no second build")
	assert.Equal(t, []string{"another berth process built it"}, notices)

	require.NoError(t, g.ImageBuild(t.Context(), buildSpecIn(t, "berth/app-web:1", "sha256:b")))
	assert.Equal(t, 2, f.Calls(engine.OpImageBuild), "changed sources build again")
}

// A build holds no operation slot: with every operation slot taken, a
// build still runs; it waits for a build slot instead
// (BERTH_MAX_CONCURRENT_BUILDS, default 1). A failed build is not retried.
func TestBuildHoldsABuildSlotNotAnOperationSlot(t *testing.T) {
	f := fake.New()
	g := newGate(t, t.TempDir(), f, nil)
	takeEveryOperationSlot(t, g)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.ImageBuild(ctx, buildSpecIn(t, "berth/app-web:1", "sha256:a")))

	release, err := g.buildSlots.Acquire(t.Context())
	require.NoError(t, err)
	short, cancel2 := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel2()
	err = g.ImageBuild(short, buildSpecIn(t, "berth/app-web:2", "sha256:a"))
	require.True(t, errors.Is(err, context.DeadlineExceeded), "with the build slot taken a build waits: %v", err)
	require.NoError(t, release())

	f.FailNext(engine.OpImageBuild, engine.ErrTransient)
	err = g.ImageBuild(t.Context(), buildSpecIn(t, "berth/app-web:3", "sha256:a"))
	require.ErrorIs(t, err, engine.ErrTransient)
	assert.Equal(t, 0, g.Stats()[engine.OpImageBuild].Retries, "a build is never retried")
}

// A caller that finds another's build of the same image under way says it
// waits, then takes that build's outcome.
func TestBuildWaitsForAnotherAndSaysSo(t *testing.T) {
	f := fake.New()
	dir := t.TempDir()
	g := newGate(t, dir, f, nil)
	_, err := g.StateDir(t.Context())
	require.NoError(t, err)
	release, err := lock.Dir{Path: dir}.Acquire(t.Context(), buildLockName("berth/app-web:1", "sha256:a"))
	require.NoError(t, err)
	spec := buildSpecIn(t, "berth/app-web:1", "sha256:a")
	notices := make(chan string, 4)
	spec.Progress = func(p engine.BuildProgress) {
		if p.Notice != "" {
			notices <- p.Notice
		}
	}
	done := make(chan error, 1)
	go func() { done <- g.ImageBuild(t.Context(), spec) }()
	assert.Equal(t, "waiting for another berth process's build of berth/app-web:1", <-notices)
	// The other "process" finishes its build: the image is there.
	require.NoError(t, f.ImageBuild(t.Context(), buildSpecIn(t, "berth/app-web:1", "sha256:a")))
	require.NoError(t, release())
	require.NoError(t, <-done)
	assert.Equal(t, "another berth process built it", <-notices)
	assert.Equal(t, 1, f.Calls(engine.OpImageBuild), "the waiter built nothing")
}
