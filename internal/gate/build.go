package gate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
)

// ImageBuild passes the breaker and spends the rate budget like any
// mutating call, but holds no operation slot: builds have slots of their
// own (BERTH_MAX_CONCURRENT_BUILDS, default 1, shared by every berth
// process of the daemon), so a long build never starves creates and
// starts. It is not retried: a build that failed once fails again, and the
// classic builder's context reader is consumed by the first attempt.
//
// One build per image runs at a time across every berth process of the
// daemon; an image is its first tag and its [labels.BuildDigest] label. A
// caller that waited for another's build of the same image takes that
// build's outcome (success or failure) instead of building again, and one
// that finds the image there once it holds the lock (tagged, with the same
// digest) builds nothing: ten runners needing one image cause one build.
func (g *Gate) ImageBuild(ctx context.Context, spec engine.BuildSpec) error {
	build := func() error {
		return run0(ctx, g, engine.OpImageBuild, func(ctx context.Context) error {
			release, err := g.buildSlots.Acquire(ctx)
			if err != nil {
				return permanent(fmt.Errorf("wait for a build slot: %w", err))
			}
			defer release()
			return permanent(g.inner.ImageBuild(ctx, spec))
		})
	}
	dir, err := g.StateDir(ctx)
	if err != nil {
		return err
	}
	if len(spec.Tags) == 0 {
		return build()
	}
	tag, digest := spec.Tags[0], spec.Labels[labels.BuildDigest]
	built := func(ctx context.Context) bool {
		if digest == "" {
			return false
		}
		im, err := g.ImageInspect(ctx, tag)
		return err == nil && im.Labels[labels.BuildDigest] == digest
	}
	report := spec.Progress
	if report == nil {
		report = func(engine.BuildProgress) {}
	}
	waiting := func() { report(engine.BuildProgress{Notice: "waiting for another berth process's build of " + tag}) }
	ran := false
	err = once(ctx, lock.Dir{Path: dir}, buildLockName(tag, digest), engine.OpImageBuild, "build of "+tag, g.now, built,
		waiting, func() error { ran = true; return build() })
	if !ran && err == nil {
		report(engine.BuildProgress{Notice: "another berth process built it"})
	}
	return err
}

// buildLockName names the lock (and outcome record) of one image's builds.
func buildLockName(tag, digest string) string {
	sum := sha256.Sum256([]byte(tag + "\x00" + digest))
	return "build-" + hex.EncodeToString(sum[:8])
}
