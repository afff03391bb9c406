package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// BuildDigestLabel is set on every image [Up] builds: a digest of the
// build context's files (and the Dockerfile and additional contexts). An
// image whose tag exists with the same digest is reused instead of built
// again (environments share builds).
const BuildDigestLabel = labels.BuildDigest

// buildImages builds the images of p in parallel (the gate bounds the
// concurrency across processes, and builds each image once for all of
// them), skipping those whose tag exists with the same context digest.
// The first error is returned after every build finished.
func buildImages(ctx context.Context, e engine.Engine, p *plan.Plan, rep progress.Reporter) error {
	errs := make([]error, len(p.Builds))
	var wg sync.WaitGroup
	for i, b := range p.Builds {
		wg.Go(func() {
			t0 := time.Now()
			rep.Service(b.Service, progress.Building, 0)
			if errs[i] = buildImage(ctx, e, p.ID, b, rep); errs[i] != nil {
				rep.Service(b.Service, progress.Failed, time.Since(t0))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// buildImage builds one image unless it exists with the same digest.
func buildImage(ctx context.Context, e engine.Engine, id plan.Identity, b plan.BuildPlan, rep progress.Reporter) error {
	src, err := newBuildSource(b)
	if err != nil {
		return fmt.Errorf("build image for service %s: %w", b.Service, err)
	}
	defer src.cleanup()
	img, err := e.ImageInspect(ctx, b.Tag)
	if err == nil && img.Labels[BuildDigestLabel] == src.digest {
		return nil
	}
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return fmt.Errorf("inspect image %s: %w", b.Tag, err)
	}
	t0 := time.Now()
	tr := buildTracker{service: b.Service, rep: rep}
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Go(func() { pw.CloseWithError(src.ctx.writeTar(pw)) })
	spec := engine.BuildSpec{Context: pr, Dockerfile: src.ctx.dockerfile, Dir: b.Build.Context,
		DockerfilePath: src.dockerfile, Tags: []string{b.Tag}, Args: b.Build.Args, Target: b.Build.Target,
		Platform: b.Platform, Secrets: buildSecrets(b.Secrets), Network: b.Build.Network,
		ExtraHosts: b.Build.ExtraHosts, NoCache: b.Build.NoCache, Pull: b.Build.Pull,
		AdditionalContexts: b.Build.AdditionalContexts, ShmSize: b.Build.ShmSize,
		Progress: tr.add,
		Labels: map[string]string{
			BuildDigestLabel: src.digest, labels.Creator: labels.CreatorID(),
			labels.Created: time.Now().UTC().Format(time.RFC3339), labels.Version: id.Version}}
	maps.Copy(spec.Labels, b.Build.Labels)
	maps.Copy(spec.Labels, b.Labels)
	if notice := frontendNotice(ctx, e, src.dockerfile); notice != "" {
		spec.IgnoreSyntax = true
		tr.notice(notice)
	}
	err = e.ImageBuild(ctx, spec)
	_ = pr.CloseWithError(errors.New("build finished")) // unblocks the writer if the build stopped reading
	wg.Wait()
	if err != nil {
		return fmt.Errorf("build image %s for service %s: %w", b.Tag, b.Service, err)
	}
	tr.done(time.Since(t0))
	return nil
}

// buildSecrets are the plan's secrets as the engine takes them.
func buildSecrets(in []plan.BuildSecret) []engine.BuildSecret {
	var out []engine.BuildSecret
	for _, s := range in {
		bs := engine.BuildSecret{ID: s.ID, File: s.File}
		if s.File == "" {
			bs.Data = s.Content.Bytes()
		}
		out = append(out, bs)
	}
	return out
}
