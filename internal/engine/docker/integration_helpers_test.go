package docker_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/itest"
)

// nameUnsafe matches what the daemon refuses in container, network and
// volume names.
var nameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// setup returns the real engine (see [itest.Engine]: skipped without a
// daemon unless BERTH_INTEGRATION=1), this test's label ([itest.Label]) and
// a name prefix unique to the test and the process. When the test ends,
// everything carrying the label is stopped and removed, without force.
func setup(t *testing.T) (engine.Engine, map[string]string, string) {
	t.Helper()
	e := itest.Engine(t)
	labels := itest.Label(t)
	t.Cleanup(func() { sweep(t, e, labels) })
	return e, labels, "berth-it-" + nameUnsafe.ReplaceAllString(itest.ID(t), "-")
}

// sweep stops (grace 0: signal, then kill) and removes every container,
// then removes every network, volume and image carrying labels. "Not
// found" counts as done; other failures fail the test.
func sweep(t *testing.T, e engine.Engine, labels map[string]string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sel := engine.ListFilter{All: true, Labels: labels}
	var errs []error
	ctrs, err := e.ContainerList(ctx, sel)
	errs = append(errs, err)
	for _, c := range ctrs {
		zero := time.Duration(0)
		errs = append(errs, ignoreNotFound(e.ContainerStop(ctx, c.ID, engine.StopOptions{Timeout: &zero})))
		errs = append(errs, ignoreNotFound(e.ContainerRemove(ctx, c.ID, engine.RemoveOptions{Volumes: true})))
	}
	nets, err := e.NetworkList(ctx, sel)
	errs = append(errs, err)
	for _, n := range nets {
		errs = append(errs, ignoreNotFound(e.NetworkRemove(ctx, n.ID)))
	}
	vols, err := e.VolumeList(ctx, sel)
	errs = append(errs, err)
	for _, v := range vols {
		errs = append(errs, ignoreNotFound(e.VolumeRemove(ctx, v.Name)))
	}
	imgs, err := docker.LabelledImages(ctx, e, labels)
	errs = append(errs, err)
	for _, i := range imgs {
		refs := i.RepoTags // by tag: an ID with several tags is refused without force
		if len(refs) == 0 {
			refs = []string{i.ID}
		}
		for _, ref := range refs {
			errs = append(errs, ignoreNotFound(e.ImageRemove(ctx, ref)))
		}
	}
	assert.NoError(t, errors.Join(errs...), "clean up resources labelled %v", labels)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}
