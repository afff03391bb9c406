package docker

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/internal/engine"
)

// intermediateCleanupTimeout bounds the removal of a failed step's
// container, which runs even when the build's context has ended.
const intermediateCleanupTimeout = 30 * time.Second

// badBuildRequest matches daemon refusals of a build request that come
// back as 500 on Docker 20.10 although retrying cannot help ("Cannot
// locate specified Dockerfile: x", a corrupt context tar).
var badBuildRequest = regexp.MustCompile(`(?i)dockerfile|build target|error processing tar file`)

// ImageBuild builds spec with the daemon's built-in BuildKit when the
// daemon offers it and spec names a context directory (see
// [Engine.buildKitBuild]); otherwise with the classic builder
// ([Engine.classicBuild]), which needs spec.Context. The first report on
// spec.Progress names the builder; falling back says why.
func (e *Engine) ImageBuild(ctx context.Context, spec engine.BuildSpec) error {
	report := spec.Progress
	if report == nil {
		report = func(engine.BuildProgress) {}
	}
	if spec.Dir == "" {
		report(engine.BuildProgress{Builder: engine.BuilderClassic})
		return e.classicBuild(ctx, spec)
	}
	c, why, err := e.buildKitClient(ctx)
	if err != nil {
		return fmt.Errorf("build image %s: %w", buildName(spec), err)
	}
	if c != nil {
		return e.buildKitBuild(ctx, c, spec)
	}
	report(engine.BuildProgress{Builder: engine.BuilderClassic, Notice: why + ": building with the classic builder"})
	e.log.Info("building with the classic builder", "image", buildName(spec), "why", why)
	if len(spec.Secrets) > 0 {
		return engine.Wrap(engine.OpImageBuild, engine.ErrInvalid, fmt.Errorf(
			"build image %s: build secrets need BuildKit, and %s", buildName(spec), why))
	}
	if spec.Context == nil {
		return engine.Wrap(engine.OpImageBuild, engine.ErrInvalid, fmt.Errorf(
			"build image %s: %s, and the classic builder needs a tar of the context", buildName(spec), why))
	}
	return e.classicBuild(ctx, spec)
}

// classicBuild builds spec with the daemon's classic builder (the
// fallback for a daemon without BuildKit) and returns once the build
// output ended. It never pulls on purpose (PullParent is off unless
// spec.Pull), but the classic builder still tries to pull a FROM image
// that is not present locally, so with no registry a base must exist
// locally or be "scratch".
//
// Errors:
//   - an invalid spec (no context, a malformed tag) is [engine.ErrInvalid],
//     before any Docker call;
//   - a refused request (unknown instruction, missing Dockerfile, unknown
//     target) is [engine.ErrInvalid];
//   - a FROM step that fails (the base is not present and cannot be pulled)
//     is [engine.ErrNotFound], naming the base;
//   - any other failed step is [engine.ErrInvalid].
//
// A failed step's message quotes the last [buildTailLines] lines of
// output. Intermediate containers of successful steps are removed by the
// daemon (its default "rm", never "forcerm"); the container of a failed
// step, which the daemon keeps, is removed here without force, and a
// removal that fails is reported in the error with the container's ID.
func (e *Engine) classicBuild(ctx context.Context, spec engine.BuildSpec) error {
	const op = engine.OpImageBuild
	name := buildName(spec)
	if err := checkBuildSpec(spec); err != nil {
		return engine.Wrap(op, engine.ErrInvalid, fmt.Errorf("build image %s: %w", name, err))
	}
	bo := client.ImageBuildOptions{
		Tags:        spec.Tags,
		Dockerfile:  spec.Dockerfile,
		BuildArgs:   spec.Args,
		Target:      spec.Target,
		Labels:      spec.Labels,
		Remove:      true,
		PullParent:  spec.Pull,
		NoCache:     spec.NoCache,
		NetworkMode: spec.Network,
		ExtraHosts:  classicHosts(spec.ExtraHosts),
		ShmSize:     spec.ShmSize,
		Version:     build.BuilderV1,
	}
	if spec.Platform != "" {
		p, err := platformOf(spec.Platform)
		if err != nil {
			return engine.Wrap(op, engine.ErrInvalid, fmt.Errorf("build image %s: %w", name, err))
		}
		bo.Platforms = []ocispec.Platform{*p}
	}
	res, err := e.cli.ImageBuild(ctx, spec.Context, bo)
	if err != nil {
		return engine.Wrap(op, buildRequestKind(err), fmt.Errorf("build image %s: %w", name, err))
	}
	defer res.Body.Close()
	var out buildOutput
	if spec.Progress != nil {
		out.steps = &classicSteps{report: spec.Progress, now: time.Now}
	}
	err = out.read(res.Body)
	if err == nil {
		return nil
	}
	cleanup := e.removeIntermediate(ctx, out.running)
	var failed *buildFailed
	if !errors.As(err, &failed) {
		return engine.Wrap(op, classify(err), errors.Join(fmt.Errorf("build image %s: %w", name, err), cleanup))
	}
	if base, ok := out.fromStep(); ok {
		return engine.Wrap(op, engine.ErrNotFound, errors.Join(fmt.Errorf(
			"build image %s: base image %s is not present locally and could not be pulled (berth never pulls: import or build it first): %s\nlast build output:\n%s",
			name, base, failed.msg, out.lastLines()), cleanup))
	}
	return engine.Wrap(op, engine.ErrInvalid, errors.Join(fmt.Errorf(
		"build image %s: step %q failed: %s\nlast build output:\n%s",
		name, out.step, failed.msg, out.lastLines()), cleanup))
}

// checkBuildSpec validates what the daemon would otherwise reject late.
func checkBuildSpec(spec engine.BuildSpec) error {
	if spec.Context == nil {
		return errors.New("no build context (a tar of the context directory)")
	}
	for _, tag := range spec.Tags {
		if _, err := reference.ParseNormalizedNamed(tag); err != nil {
			return fmt.Errorf("tag %q: %w", tag, err)
		}
	}
	return nil
}

// buildRequestKind classifies a refused build request.
func buildRequestKind(err error) error {
	if badBuildRequest.MatchString(err.Error()) {
		return engine.ErrInvalid
	}
	return classify(err)
}

// removeIntermediate removes, without force, the container a failed step
// left behind (none when id is ""). "Not found" counts as done.
func (e *Engine) removeIntermediate(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), intermediateCleanupTimeout)
	defer cancel()
	err := e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true})
	if err == nil || errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("remove intermediate container %s of the failed build (remove it once it has stopped): %w", id, err)
}

// buildName names a build in messages: its tags.
func buildName(spec engine.BuildSpec) string {
	if len(spec.Tags) == 0 {
		return "(untagged)"
	}
	return strings.Join(spec.Tags, ", ")
}

// classicHosts turns "name=address" entries into the classic builder's
// "name:address".
func classicHosts(hosts []string) []string {
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, strings.Replace(h, "=", ":", 1))
	}
	return out
}
