package berth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
)

// pull_policy always pulls when an environment is created, never when a
// running shared one is reused.
func TestReuseNeverPulls(t *testing.T) {
	r := newRig(t)
	r.eng.Publish("registry.test/app:1", 1000)
	file := filepath.Join(t.TempDir(), "compose.yaml")
	require.NoError(t, os.WriteFile(file, []byte("name: pulls\nservices:\n  app:\n    image: registry.test/app:1\n    pull_policy: always\n"), 0o600))
	m := r.open()
	o := berth.Options{Files: []string{file}}

	first := r.acquire(m, o)
	assert.Equal(t, 1, r.eng.Calls(engine.OpImagePull), "created: pulled")
	second := r.acquire(m, o)
	assert.True(t, second.Reused)
	assert.Equal(t, 1, r.eng.Calls(engine.OpImagePull), "reused: not pulled")

	yes := true
	o.Dedicated = &yes
	own := r.acquire(m, o)
	assert.NotEqual(t, first.ID, own.ID)
	assert.Equal(t, 2, r.eng.Calls(engine.OpImagePull), "a new copy is created: pulled (always)")
}

// Pull gets a stack's missing images without creating anything; an image
// the registry lacks is a *PullError naming it.
func TestPullWithoutCreating(t *testing.T) {
	r := newRig(t)
	r.eng.Publish("registry.test/app:1", 1000)
	file := filepath.Join(t.TempDir(), "compose.yaml")
	require.NoError(t, os.WriteFile(file, []byte("name: pulls\nservices:\n  app:\n    image: registry.test/app:1\n  db:\n    image: registry.test/db:2\n"), 0o600))
	m := r.open()
	err := m.Pull(t.Context(), berth.Options{Files: []string{file}})
	var pe *berth.PullError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "registry.test/db:2", pe.Image)
	assert.Contains(t, err.Error(), "image registry.test/db:2 for service db from registry registry.test: not found")
	_, err = r.eng.ImageInspect(t.Context(), "registry.test/app:1")
	require.NoError(t, err, "the other image was pulled")
	assert.Zero(t, r.creates())
}
