package watch

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// TestIntegrationWatcherRecordsEngineRestarts runs a test service that
// exits with code 3 a second after each start, under the engine's
// on-failure:2 policy: the engine starts it twice more, and the store ends
// with its three deaths and two engine restarts.
func TestIntegrationWatcherRecordsEngineRestarts(t *testing.T) {
	e := itest.Engine(t)
	ctx := t.Context()
	ref := itest.Image(t, e)
	db := openStore(t)
	envID := "watch-" + itest.ID(t)
	lbls := itest.Label(t)
	lbls[labels.Env] = envID
	lbls[labels.ComposeService] = "crasher"

	w := Start(ctx, e, db, envID, itest.Logger(t))
	t.Cleanup(func() { require.NoError(t, w.Close()) })

	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
		Image: ref, Labels: lbls,
		Env:     []string{"TESTSVC_CRASH_AFTER=1s", "TESTSVC_EXIT_CODE=3"},
		Restart: engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2},
	})
	if id != "" {
		t.Cleanup(func() { removeContainer(t, e, id) })
	}
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))

	var evs []store.EventRecord
	var rs []store.RestartRecord
	require.Eventually(t, func() bool {
		evs, err = db.EventsSince(ctx, time.Time{})
		require.NoError(t, err)
		rs, err = db.AllRestarts(ctx, time.Time{})
		require.NoError(t, err)
		return countAction(evs, "die") == 3 && len(rs) == 2
	}, 60*time.Second, 50*time.Millisecond, "want 3 deaths and 2 engine restarts")

	var got []brief
	for _, r := range evs {
		assert.Equal(t, id, r.Container)
		assert.Equal(t, envID, r.EnvID)
		got = append(got, brief{Service: r.Service, Action: r.Action, ExitCode: r.ExitCode})
	}
	die := brief{Service: "crasher", Action: "die", ExitCode: 3}
	restart := brief{Service: "crasher", Action: "restart"}
	assert.Equal(t, []brief{die, restart, die, restart, die}, got)
	for _, r := range rs {
		assert.Equal(t, store.RestartEngine, r.Kind)
		assert.Equal(t, "crasher", r.Service)
		assert.Equal(t, envID, r.EnvID)
	}
	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 2, c.RestartCount)
	assert.False(t, c.State.Running)
}

func countAction(evs []store.EventRecord, action string) int {
	n := 0
	for _, r := range evs {
		if r.Action == action {
			n++
		}
	}
	return n
}

// removeContainer stops (gracefully) and removes a test container; not
// found counts as done.
func removeContainer(t *testing.T, e engine.Engine, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	timeout := 5 * time.Second
	if err := e.ContainerStop(ctx, id, engine.StopOptions{Timeout: &timeout}); err != nil && !isNotFound(err) {
		t.Errorf("stop test container %s: %v", id, err)
	}
	if err := e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true}); err != nil && !isNotFound(err) {
		t.Errorf("remove test container %s: %v", id, err)
	}
}

func isNotFound(err error) bool { return errors.Is(err, engine.ErrNotFound) }
