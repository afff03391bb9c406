package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/distribution/reference"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// PullError is an image an environment needs that berth could not get:
// the registry does not have it, refused the credentials, could not be
// reached after retries, or the pull policy forbids pulling it. Nothing of
// the environment was created.
type PullError struct {
	Image    string
	Registry string
	Services []string
	Err      error
}

func (e *PullError) Error() string {
	var cause string
	switch {
	case errors.Is(e.Err, errNeverPull):
		cause = "it is not on the daemon and the pull policy is never (pull it yourself, or change pull_policy)"
	case errors.Is(e.Err, engine.ErrNotFound):
		cause = "not found: the registry has no such image or tag"
	case errors.Is(e.Err, engine.ErrAuth):
		cause = "authentication failed: log in to " + e.Registry + " (docker login) or check the credentials in $DOCKER_CONFIG"
	case engine.Retryable(e.Err):
		cause = "the registry could not be reached (retried): check the network and " + e.Registry
	default:
		cause = "the pull failed"
	}
	return fmt.Sprintf("image %s for service %s from registry %s: %s: %v",
		e.Image, strings.Join(e.Services, ", "), e.Registry, cause, e.Err)
}

func (e *PullError) Unwrap() error { return e.Err }

// errNeverPull is the cause of a missing image under pull_policy never.
var errNeverPull = errors.New("pull_policy is never")

// NeedsPull is the pull policy's decision for an image: whether to pull
// it now, given whether it is on the daemon and when it was last pulled
// (or tagged) there; an error when it is missing and may not be pulled.
func NeedsPull(p compose.PullPolicy, present bool, pulledAt, now time.Time) (bool, error) {
	switch p.Mode {
	case compose.PullAlways:
		return true, nil
	case compose.PullNever:
		if !present {
			return false, errNeverPull
		}
		return false, nil
	case compose.PullBuild:
		return false, nil
	case compose.PullRefresh:
		return !present || pulledAt.IsZero() || now.Sub(pulledAt) >= p.Every, nil
	}
	return !present, nil
}

// PullImages gets every image of p its pull policy asks for, in parallel
// (the gate bounds how many pulls run at once, across processes), and
// returns every failure joined, as [*PullError]s. It reports each
// service's pull on rep.
func PullImages(ctx context.Context, e engine.Engine, p *plan.Plan, rep progress.Reporter) error {
	rep = progress.OrNop(rep)
	errs := make([]error, len(p.Pulls))
	var wg sync.WaitGroup
	for i, pp := range p.Pulls {
		wg.Go(func() { errs[i] = pullImage(ctx, e, pp, rep) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// pullImage pulls one image if its policy asks for it.
func pullImage(ctx context.Context, e engine.Engine, pp plan.PullPlan, rep progress.Reporter) error {
	fail := func(err error) error {
		return &PullError{Image: pp.Image, Registry: registryName(pp.Image), Services: pp.Services, Err: err}
	}
	img, err := e.ImageInspect(ctx, pp.Image)
	present := err == nil
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return fmt.Errorf("inspect image %s: %w", pp.Image, err)
	}
	pull, err := NeedsPull(pp.Policy, present, img.LastTagTime, time.Now())
	if err != nil {
		return fail(err)
	}
	if !pull {
		return nil
	}
	t0 := time.Now()
	for _, s := range pp.Services {
		rep.Service(s, progress.Pulling, 0)
	}
	var t pullTracker
	t.state.Image = pp.Image
	err = e.ImagePull(ctx, pp.Image, engine.PullOptions{Platform: pp.Platform}, func(m engine.PullProgress) {
		if st, changed := t.add(m); changed {
			for _, s := range pp.Services {
				progress.ReportPull(rep, s, st)
			}
		}
	})
	phase := progress.Pulled
	if err != nil {
		phase = progress.Failed
	}
	for _, s := range pp.Services {
		rep.Service(s, phase, time.Since(t0))
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// registryName is the registry an image reference is pulled from.
func registryName(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "?"
	}
	return reference.Domain(named)
}
