package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

func TestUpJoinerOfAnotherNetworkIsCreatedAtItsTurn(t *testing.T) {
	e := newFake(t)
	side := svc("side", nil)
	side.NetworkMode, side.Networks = "service:db", nil
	p := planOf(t, "env-joiner", healthy(svc("db", nil)), side, svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	block := e.Block(engine.OpContainerStart)
	done := upAsync(t, e, p, lifecycle.UpOptions{Log: itest.Logger(t)})

	require.NoError(t, block.WaitHeld(t.Context(), 1)) // db's start
	containerOf(t, e, "env-joiner", "api")             // api is created while db's start is held
	assert.False(t, hasStarted(t, e, "env-joiner", "api"))
	assert.False(t, hasContainer(t, e, "env-joiner", "side"), "side names db's container: created once db runs")
	block.Release()
	db := containerOf(t, e, "env-joiner", "db")
	require.Eventually(t, func() bool { return e.SetHealth(db, "healthy") == nil }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, result(t, done))
	assert.True(t, hasStarted(t, e, "env-joiner", "side"))
	assert.True(t, hasStarted(t, e, "env-joiner", "api"))
}

func TestUpLaterCreateFailureFailsAtOnceAndTearsDown(t *testing.T) {
	e := newFake(t)
	// Another's container holds api's name; db never turns healthy, so
	// only api's failed create can end the up.
	foreign, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: plan.ContainerName("env-late-create", "api"), Image: fakeImage})
	require.NoError(t, err)
	p := planOf(t, "env-late-create", healthy(svc("db", nil)), svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	err = lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{Log: itest.Logger(t)})
	require.Error(t, err)
	se, ok := errors.AsType[*lifecycle.ServiceError](err)
	require.True(t, ok, "a service error: %v", err)
	assert.Equal(t, "api", se.Service)
	assert.Equal(t, "could not be created", se.Reason)
	assert.ErrorIs(t, err, engine.ErrConflict)
	requireEnvGone(t, e, "env-late-create")
	_, err = e.ContainerInspect(t.Context(), foreign)
	assert.NoError(t, err, "the other's container is left alone")
}
