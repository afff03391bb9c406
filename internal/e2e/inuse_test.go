package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestInUseEnvironmentIsNeverRecreatedUnderItsHolders: a shared
// environment with a live lease whose service turned unhealthy is not torn
// down and recreated by the next acquirer (that would pull the stack from
// under the holder's running tests); the acquirer fails with exit 3 and
// says how to repair it.
func TestInUseEnvironmentIsNeverRecreatedUnderItsHolders(t *testing.T) {
	w := newWorld(t)
	file := testdata("restart.yaml")
	id := w.upHeld(t, file)
	before := w.container(t, id, "api").ID
	w.makeUnhealthy(t, id, "api")

	log := w.watch()
	w.env = append(w.env, "BERTH_WAIT_TIMEOUT=2s")
	r := w.run("up", "-p", w.project, "-f", file, "--holder-pid", "1")
	assert.Equal(t, 3, r.code, "%s%s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "in use by 1 live lease(s) and not healthy")
	assert.Contains(t, r.stderr, "berth restart")
	evs := log.finish(t, w.e)
	assert.Empty(t, creates(evs), "nothing was recreated")
	for _, ev := range evs {
		assert.NotEqual(t, "destroy", ev.Action, "nothing of the holder's environment was removed")
	}
	assert.Equal(t, before, w.container(t, id, "api").ID)

}
