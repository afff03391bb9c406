package docker

import (
	"context"
	"fmt"
	"path/filepath"

	bkclient "github.com/moby/buildkit/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/berth-dev/berth/internal/engine"
)

// buildKitBuild builds spec with the daemon's BuildKit client c: the
// context and Dockerfile go through the build's session (file sync), the
// built-in Dockerfile frontend runs it, and the "moby" exporter tags the
// result in the daemon's image store. It reports steps on spec.Progress
// and returns once the build ended (see [buildKitFailure] for its errors).
func (e *Engine) buildKitBuild(ctx context.Context, c *bkclient.Client, spec engine.BuildSpec) error {
	name := buildName(spec)
	v, err := e.apiVersion(ctx)
	if err != nil {
		return wrap(engine.OpImageBuild, fmt.Errorf("build image %s: %w", name, err))
	}
	opt, err := solveOpt(spec, !versions.LessThan(v, apiNamedContexts), v)
	if err != nil {
		return engine.Wrap(engine.OpImageBuild, engine.ErrInvalid, fmt.Errorf("build image %s: %w", name, err))
	}
	t := newStepTracker(spec.Progress)
	t.report(engine.BuildProgress{Builder: engine.BuilderBuildKit})
	ch := make(chan *bkclient.SolveStatus)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for st := range ch {
			t.add(st)
		}
	}()
	_, err = c.Solve(ctx, nil, opt, ch) // closes ch
	<-drained
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("build image %s: %w", name, ctx.Err())
	}
	dockerfile := spec.DockerfilePath
	if dockerfile == "" {
		dockerfile = filepath.Join(spec.Dir, "Dockerfile")
	}
	return buildKitFailure(name, dockerfile, t, err)
}
