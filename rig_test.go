package berth_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
)

// stack is the compose file of the unit tests: db has a health check, api
// waits for it and publishes a port.
const stack = `name: unit
services:
  db:
    image: testsvc:latest
    healthcheck: {test: ["CMD", "true"], interval: 1s}
  api:
    image: testsvc:latest
    ports: ["8080"]
    depends_on: {db: {condition: service_healthy}}
`

// rig is a Manager over the in-memory fake engine with a fake clock: the
// same constructor Open uses, only the engine and clock swapped. Every
// container that starts turns healthy at once, as a service whose health
// check passes would.
type rig struct {
	t    *testing.T
	eng  *fake.Engine
	clk  *clock.Fake
	env  map[string]string
	file string
}

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func newRig(t *testing.T, env ...string) *rig {
	t.Helper()
	clk := clock.NewFake(t0)
	r := &rig{t: t, clk: clk, eng: fake.New(fake.WithClock(clk.Now)),
		env: map[string]string{"BERTH_STATE_DIR": t.TempDir()}}
	for i := 0; i+1 < len(env); i += 2 {
		r.env[env[i]] = env[i+1]
	}
	require.NoError(t, r.eng.ImageImport(t.Context(), bytes.NewReader(nil), "testsvc:latest", nil))
	r.file = filepath.Join(t.TempDir(), "compose.yaml")
	require.NoError(t, os.WriteFile(r.file, []byte(stack), 0o600))
	r.autoHealthy()
	return r
}

// open opens a Manager over the rig's engine and clock; it is closed when
// the test ends.
func (r *rig) open() *berth.Manager {
	r.t.Helper()
	m, err := berth.OpenWith(func(k string) string { return r.env[k] }, r.eng, r.clk)
	require.NoError(r.t, err)
	r.t.Cleanup(func() { _ = m.Close() })
	return m
}

// options describe the rig's stack.
func (r *rig) options() berth.Options {
	return berth.Options{Files: []string{r.file}}
}

// autoHealthy marks every container healthy as soon as it starts.
func (r *rig) autoHealthy() {
	ctx, cancel := context.WithCancel(context.Background())
	evc, _ := r.eng.Events(ctx, engine.EventFilter{Types: []string{"container"}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range evc {
			if ev.Action == "start" {
				_ = r.eng.SetHealth(ev.ActorID, "healthy")
			}
		}
	}()
	r.t.Cleanup(func() { cancel(); <-done })
}

// container returns the ID of service's container in environment envID.
func (r *rig) container(envID, service string) string {
	r.t.Helper()
	cs, err := r.eng.ContainerList(r.t.Context(), engine.ListFilter{All: true,
		Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
	require.NoError(r.t, err)
	require.Len(r.t, cs, 1, "containers of %s in %s", service, envID)
	return cs[0].ID
}

// creates is how many containers the engine has created so far.
func (r *rig) creates() int { return r.eng.Calls(engine.OpContainerCreate) }

// acquire acquires the rig's stack with m and fails the test on error.
func (r *rig) acquire(m *berth.Manager, o berth.Options) *berth.Env {
	r.t.Helper()
	env, err := m.Acquire(r.t.Context(), o)
	require.NoError(r.t, err)
	return env
}

// inspect inspects service's container in environment envID.
func (r *rig) inspect(envID, service string) engine.Container {
	r.t.Helper()
	c, err := r.eng.ContainerInspect(r.t.Context(), r.container(envID, service))
	require.NoError(r.t, err)
	return c
}
