package berth_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/labels"
)

// Two state directories, one daemon, one compose file: A's down --now
// (ReleaseHolder with Now) leaves B's environment running and says why.
func TestDownNowLeavesAnotherStatesEnvironment(t *testing.T) {
	r := newRig(t)
	b := r.open()
	env := r.acquire(b, r.options())
	aDir := t.TempDir()
	a, err := berth.OpenWith(func(k string) string {
		if k == "BERTH_STATE_DIR" {
			return aDir
		}
		return r.env[k]
	}, r.eng, r.clk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })

	_, err = a.ReleaseHolder(t.Context(), env.ID, os.Getpid(), berth.ReleaseOptions{Now: true})
	var foreign *berth.ForeignError
	require.True(t, errors.As(err, &foreign), "told why: %v", err)
	assert.Contains(t, err.Error(), "another berth state directory")
	assert.Contains(t, err.Error(), labels.State+"=")
	for _, svc := range []string{"db", "api"} {
		assert.Equal(t, "running", r.inspect(env.ID, svc).State.Status, "%s of B's environment is untouched", svc)
	}

	// And A's acquire refuses to adopt it rather than share it unseen.
	_, err = a.Acquire(t.Context(), r.options())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another state directory")
}

// The same state directory seen at another path (a container's bind
// mount: another path hash) is the same state by its ID: played here by a
// second directory holding the first one's state-id file. Its berth
// adopts the environment the first path made instead of refusing it.
func TestOneStateWhereverMounted(t *testing.T) {
	r := newRig(t)
	m := r.open()
	env := r.acquire(m, r.options())
	id, err := os.ReadFile(filepath.Join(r.env["BERTH_STATE_DIR"], "state-id"))
	require.NoError(t, err)
	elsewhere := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(elsewhere, "state-id"), id, 0o600))
	other, err := berth.OpenWith(func(k string) string {
		if k == "BERTH_STATE_DIR" {
			return elsewhere
		}
		return r.env[k]
	}, r.eng, r.clk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	again, err := other.Acquire(t.Context(), r.options())
	require.NoError(t, err)
	assert.True(t, again.Reused, "ours by its ID, though its path differs")
	assert.Equal(t, env.ID, again.ID)
	assert.Equal(t, 2, r.creates())
}
