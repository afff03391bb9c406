package live_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// helper creates labelled test resources on the real daemon and removes
// them gracefully when the test ends (stop with a grace period, then
// remove; never force).
type helper struct {
	t      *testing.T
	e      engine.Engine
	img    string
	ctx    context.Context
	prefix string
	start  time.Time
	dir    string
}

// ctr is a container the test made.
type ctr struct{ id, name string }

func (h *helper) getenv(k string) string {
	if k == "BERTH_STATE_DIR" {
		if h.dir == "" {
			h.dir = h.t.TempDir()
		}
		return h.dir
	}
	return ""
}

// create creates a container of the test image, its cleanup registered
// first.
func (h *helper) create(name string, spec engine.ContainerSpec) ctr {
	h.t.Helper()
	if h.start.IsZero() {
		h.start = time.Now()
	}
	spec.Name, spec.Image = h.prefix+"-"+name, h.img
	// No network: nothing here talks to the outside, and the daemon's
	// default bridge is not set up on every test machine.
	spec.Networks = []engine.EndpointSpec{{Network: "none"}}
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	for k, v := range itest.Label(h.t) {
		spec.Labels[k] = v
	}
	h.t.Cleanup(func() { h.remove(spec.Name) })
	id, err := h.e.ContainerCreate(h.ctx, spec)
	require.NoError(h.t, err, "create %s", spec.Name)
	return ctr{id: id, name: spec.Name}
}

// run creates and starts a container.
func (h *helper) run(name string, spec engine.ContainerSpec) ctr {
	h.t.Helper()
	c := h.create(name, spec)
	require.NoError(h.t, h.e.ContainerStart(h.ctx, c.id), "start %s", c.name)
	return c
}

// volume creates a volume no container uses.
func (h *helper) volume(name string) string {
	h.t.Helper()
	full := h.prefix + "-" + name
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := h.e.VolumeRemove(ctx, full); err != nil && !errors.Is(err, engine.ErrNotFound) {
			h.t.Errorf("cleanup: remove volume %s: %v", full, err)
		}
	})
	_, err := h.e.VolumeCreate(h.ctx, engine.VolumeSpec{Name: full, Labels: itest.Label(h.t)})
	require.NoError(h.t, err)
	return full
}

// remove stops a container gracefully and removes it; "not found" is done.
func (h *helper) remove(ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	grace := 2 * time.Second
	err := h.e.ContainerStop(ctx, ref, engine.StopOptions{Timeout: &grace})
	if err == nil {
		err = h.e.ContainerRemove(ctx, ref, engine.RemoveOptions{Volumes: true})
	}
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		h.t.Errorf("cleanup: remove container %s: %v", ref, err)
	}
}

// waitState waits until the container's state is state.
func (h *helper) waitState(c ctr, state string) {
	h.t.Helper()
	h.poll("container "+c.name+" "+state, func() (bool, string) {
		in, err := h.e.ContainerInspect(h.ctx, c.id)
		if err != nil {
			return false, err.Error()
		}
		return in.State.Status == state, in.State.Status
	})
}

// waitMemory waits until the container uses at least min bytes.
func (h *helper) waitMemory(c ctr, min float64) {
	h.t.Helper()
	h.poll("container "+c.name+" holding its memory", func() (bool, string) {
		st, err := h.e.ContainerStats(h.ctx, c.id)
		if err != nil {
			return false, err.Error()
		}
		return float64(st.MemoryUsage) >= min, "usage " + time.Duration(st.MemoryUsage).String()
	})
}

// poll checks cond every 100 ms until it holds, failing the test with its
// last note after a minute or when the test's context ends.
func (h *helper) poll(what string, cond func() (bool, string)) {
	h.t.Helper()
	deadline := time.NewTimer(time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, note := cond()
		if ok {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			h.t.Fatalf("timed out waiting for %s; last: %s", what, note)
		case <-h.ctx.Done():
			h.t.Fatalf("gave up waiting for %s: %v; last: %s", what, h.ctx.Err(), note)
		}
	}
}
