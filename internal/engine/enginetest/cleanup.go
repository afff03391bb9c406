package enginetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// cleanupTimeout bounds one cleanup; cleanups run after t.Context() ends.
const cleanupTimeout = time.Minute

// cleanupGrace is the stop grace period cleanups give containers.
const cleanupGrace = 2 * time.Second

func cleanupCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}

// removeContainer stops (gracefully: signal, grace period, kill) and then
// removes container ref with its anonymous volumes, never forcing. "Not
// found" counts as done; other failures are test errors (a leak).
func (s *suite) removeContainer(t *testing.T, ref string) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	err := s.e.ContainerStop(ctx, ref, engine.StopOptions{Timeout: ptr(cleanupGrace)})
	if err == nil {
		err = s.e.ContainerRemove(ctx, ref, engine.RemoveOptions{Volumes: true})
	}
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("cleanup: remove container %s: %v", ref, err)
	}
}

// removeNetworks removes this run's networks named name (there may be
// several of one name), so a create that failed half-way is cleaned too.
func (s *suite) removeNetworks(t *testing.T, name string) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	nets, err := s.e.NetworkList(ctx, engine.ListFilter{Labels: s.runLabel(), Name: name})
	if err != nil {
		t.Errorf("cleanup: list networks %s: %v", name, err)
		return
	}
	for _, n := range nets {
		if n.Name != name {
			continue
		}
		if err := s.e.NetworkRemove(ctx, n.ID); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: remove network %s (%s): %v", name, n.ID, err)
		}
	}
}

// removeVolume removes volume name; "not found" counts as done.
func (s *suite) removeVolume(t *testing.T, name string) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	if err := s.e.VolumeRemove(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("cleanup: remove volume %s: %v", name, err)
	}
}

// removeImage removes image ref; "not found" counts as done.
func (s *suite) removeImage(t *testing.T, ref string) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	if err := s.e.ImageRemove(ctx, ref); err != nil && !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("cleanup: remove image %s: %v", ref, err)
	}
}

// sweep runs after every subtest and its cleanups: whatever still carries
// this run's label, and any image still tagged with a reference the run
// handed out (see imageRef), leaked. It is removed (gracefully) and
// reported.
func (s *suite) sweep(t *testing.T) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	var errs []error
	ctrs, err := s.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: s.runLabel()})
	errs = append(errs, err)
	for _, c := range ctrs {
		t.Errorf("leaked container %s (%s)", c.Name, c.ID)
		s.removeContainer(t, c.ID)
	}
	nets, err := s.e.NetworkList(ctx, engine.ListFilter{Labels: s.runLabel()})
	errs = append(errs, err)
	for _, n := range nets {
		t.Errorf("leaked network %s (%s)", n.Name, n.ID)
		errs = append(errs, s.e.NetworkRemove(ctx, n.ID))
	}
	vols, err := s.e.VolumeList(ctx, engine.ListFilter{Labels: s.runLabel()})
	errs = append(errs, err)
	for _, v := range vols {
		t.Errorf("leaked volume %s", v.Name)
		s.removeVolume(t, v.Name)
	}
	s.mu.Lock()
	refs := slices.Clone(s.images)
	s.mu.Unlock()
	for _, ref := range refs {
		im, err := s.e.ImageInspect(ctx, ref)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.Errorf("leaked image %s (%s)", ref, im.ID)
		s.removeImage(t, ref)
	}
	if err := errors.Join(errs...); err != nil {
		t.Errorf("sweep: %v", err)
	}
}
