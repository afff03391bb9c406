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
// build context's files. An image whose tag exists with the same digest
// is reused instead of built again (environments share builds).
const BuildDigestLabel = "dev.berth.build-digest"

// buildImages builds the images of p in parallel (the engine bounds the
// concurrency), skipping those whose tag exists with the same context
// digest. The first error is returned after every build finished.
func buildImages(ctx context.Context, e engine.Engine, p *plan.Plan, rep progress.Reporter) error {
	errs := make([]error, len(p.Builds))
	var wg sync.WaitGroup
	for i, b := range p.Builds {
		wg.Go(func() {
			t0 := time.Now()
			rep.Service(b.Service, progress.Building, 0)
			if errs[i] = buildImage(ctx, e, p.ID, b); errs[i] != nil {
				rep.Service(b.Service, progress.Failed, time.Since(t0))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// buildImage builds one image unless it exists with the same digest.
func buildImage(ctx context.Context, e engine.Engine, id plan.Identity, b plan.BuildPlan) error {
	bc, err := scanBuildContext(b.Build.Context, b.Build.Dockerfile)
	if err != nil {
		return fmt.Errorf("build image for service %s: %w", b.Service, err)
	}
	img, err := e.ImageInspect(ctx, b.Tag)
	if err == nil && img.Labels[BuildDigestLabel] == bc.digest {
		return nil
	}
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return fmt.Errorf("inspect image %s: %w", b.Tag, err)
	}
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Go(func() { pw.CloseWithError(bc.writeTar(pw)) })
	spec := engine.BuildSpec{Context: pr, Dockerfile: bc.dockerfile, Tags: []string{b.Tag},
		Args: b.Build.Args, Target: b.Build.Target, Platform: b.Platform, Labels: map[string]string{
			BuildDigestLabel: bc.digest, labels.Creator: labels.CreatorID(),
			labels.Created: time.Now().UTC().Format(time.RFC3339), labels.Version: id.Version}}
	maps.Copy(spec.Labels, b.Labels)
	err = e.ImageBuild(ctx, spec)
	_ = pr.CloseWithError(errors.New("build finished")) // unblocks the writer if the build stopped reading
	wg.Wait()
	if err != nil {
		return fmt.Errorf("build image %s for service %s: %w", b.Tag, b.Service, err)
	}
	return nil
}
