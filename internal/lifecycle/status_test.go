package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
)

func TestStatusAndHealthy(t *testing.T) {
	e := newFake(t)
	web := svc("web", nil)
	web.Ports = []engine.PortBinding{{ContainerPort: 80}}
	web.MemoryLimit = 64 << 20
	p := planOf(t, "env-st", healthy(svc("db", nil)), web)

	st, err := lifecycle.Status(t.Context(), e, "env-st")
	require.NoError(t, err)
	assert.Empty(t, st.Services)
	ok, why := st.Healthy(p)
	assert.False(t, ok)
	assert.Equal(t, "service db has no container; service web has no container", why)

	done := upAsync(t, e, p, lifecycle.UpOptions{})
	db := containerOf(t, e, "env-st", "db")
	require.Eventually(t, func() bool { return e.SetHealth(db, "healthy") == nil }, 5*time.Second, time.Millisecond)
	require.NoError(t, result(t, done))

	st, err = lifecycle.Status(t.Context(), e, "env-st")
	require.NoError(t, err)
	require.Len(t, st.Services, 2)
	assert.Equal(t, "db", st.Services[0].Service)
	assert.Equal(t, "healthy", st.Services[0].Health)
	w := st.Services[1]
	assert.Equal(t, "web", w.Service)
	assert.Equal(t, "env-st-web-1", w.Name)
	assert.Equal(t, "running", w.State)
	assert.Equal(t, int64(64<<20), w.MemoryLimit)
	require.Len(t, w.Ports, 1)
	assert.Equal(t, 80, w.Ports[0].ContainerPort)
	assert.NotZero(t, w.Ports[0].HostPort)
	ok, why = st.Healthy(p)
	assert.True(t, ok, why)

	require.NoError(t, e.SetHealth(db, "unhealthy"))
	require.NoError(t, e.Exit(st.Services[1].ContainerID, 2))
	st, err = lifecycle.Status(t.Context(), e, "env-st")
	require.NoError(t, err)
	ok, why = st.Healthy(p)
	assert.False(t, ok)
	assert.Equal(t, "service db is unhealthy; service web is exited (code 2)", why)
}

func TestHealthyNeedsHealthStatusWhenDeclared(t *testing.T) {
	p := planOf(t, "env-h", healthy(svc("db", nil)), svc("job", nil),
		svc("app", map[string]compose.Condition{"job": compose.ServiceCompletedSuccessfully}))
	st := lifecycle.EnvStatus{Services: []lifecycle.ServiceStatus{
		{Service: "app", State: "running"},
		{Service: "db", State: "running"},
		{Service: "job", State: "exited", ExitCode: 0},
	}}
	ok, why := st.Healthy(p)
	assert.False(t, ok)
	assert.Equal(t, "service db has no health status", why)
	st.Services[1].Health = "starting"
	_, why = st.Healthy(p)
	assert.Equal(t, "service db is starting", why)
	st.Services[1].Health = "healthy"
	ok, why = st.Healthy(p)
	assert.True(t, ok, why)
	st.Services[2].ExitCode = 1
	_, why = st.Healthy(p)
	assert.Equal(t, "service job is exited (code 1)", why)
	st.Services[0].State = "created"
	_, why = st.Healthy(p)
	assert.Equal(t, "service app is created; service job is exited (code 1)", why)
}
