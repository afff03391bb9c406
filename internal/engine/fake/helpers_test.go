package fake_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

const testImage = "testsvc:latest"

// newFake returns a fake with testImage imported.
func newFake(t *testing.T, opts ...fake.Option) *fake.Engine {
	t.Helper()
	e := fake.New(opts...)
	require.NoError(t, e.ImageImport(t.Context(), strings.NewReader("rootfs"), testImage, nil))
	return e
}

// run creates and starts a container of spec (Image defaults to testImage).
func run(t *testing.T, e *fake.Engine, spec engine.ContainerSpec) string {
	t.Helper()
	if spec.Image == "" {
		spec.Image = testImage
	}
	id, err := e.ContainerCreate(t.Context(), spec)
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(t.Context(), id))
	return id
}

// images lists every image of e (through DiskUsage: the engine has no
// image list).
func images(t *testing.T, e *fake.Engine) []engine.ImageUsage {
	t.Helper()
	du, err := e.DiskUsage(t.Context())
	require.NoError(t, err)
	return du.ImageItems
}

func state(t *testing.T, e *fake.Engine, id string) engine.ContainerState {
	t.Helper()
	c, err := e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	return c.State
}

// actions reads n events and returns their actions.
func actions(t *testing.T, evs <-chan engine.Event, n int) []string {
	t.Helper()
	var out []string
	for _, ev := range collect(t, evs, n) {
		out = append(out, ev.Action)
	}
	return out
}
