package enginetest

import (
	"context"
	"testing"

	"github.com/berth-dev/berth/internal/engine"
)

// testNotFound: operations on missing objects, creating from a missing
// image, and creating and starting on a missing network fail with
// ErrNotFound.
func (s *suite) testNotFound(t *testing.T, ctx context.Context) {
	missing := "berth-enginetest-" + s.run + "-missing"
	checks := map[string]func() error{
		"inspect container":  func() error { _, err := s.e.ContainerInspect(ctx, missing); return err },
		"start container":    func() error { return s.e.ContainerStart(ctx, missing) },
		"stop container":     func() error { return s.e.ContainerStop(ctx, missing, engine.StopOptions{}) },
		"remove container":   func() error { return s.e.ContainerRemove(ctx, missing, engine.RemoveOptions{}) },
		"container logs":     func() error { _, err := engine.Logs(ctx, s.e, missing, engine.LogOptions{}); return err },
		"container stats":    func() error { _, err := s.e.ContainerStats(ctx, missing); return err },
		"container exec":     func() error { _, err := engine.Exec(ctx, s.e, missing, probeCmd...); return err },
		"inspect network":    func() error { _, err := s.e.NetworkInspect(ctx, missing); return err },
		"remove network":     func() error { return s.e.NetworkRemove(ctx, missing) },
		"disconnect network": func() error { return s.e.NetworkDisconnect(ctx, missing, missing) },
		"remove volume":      func() error { return s.e.VolumeRemove(ctx, missing) },
		"inspect image":      func() error { _, err := s.e.ImageInspect(ctx, missing+":none"); return err },
		"remove image":       func() error { return s.e.ImageRemove(ctx, missing+":none") },
	}
	for what, call := range checks {
		requireKind(t, engine.ErrNotFound, call(), what)
	}

	noImage := s.spec()
	noImage.Image = missing + ":none"
	_, err := s.e.ContainerCreate(ctx, noImage)
	t.Cleanup(func() { s.removeContainer(t, noImage.Name) })
	requireKind(t, engine.ErrNotFound, err, "create from a missing image")

	// Docker 20.10 checks networks only at start; newer daemons at create.
	noNet := s.spec()
	noNet.Networks = []engine.EndpointSpec{{Network: missing}}
	id, err := s.e.ContainerCreate(ctx, noNet)
	t.Cleanup(func() { s.removeContainer(t, noNet.Name) })
	if err == nil {
		err = s.e.ContainerStart(ctx, id)
	}
	requireKind(t, engine.ErrNotFound, err, "create and start on a missing network")
}
