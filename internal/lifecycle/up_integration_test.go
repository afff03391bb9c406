package lifecycle_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// newRealStack is a berth environment ID on the real daemon whose
// containers, networks and volumes are removed when the test ends.
func newRealStack(t *testing.T) realEnv {
	t.Helper()
	e := itest.Engine(t)
	r := realEnv{e: e, image: itest.Image(t, e), envID: "lifecycle-up-" + randHex(6)}
	r.labels = maps.Clone(itest.Label(t))
	r.labels[labels.Env] = r.envID
	t.Cleanup(func() {
		r.cleanup(t)
		ctx := context.WithoutCancel(t.Context())
		vs, err := e.VolumeList(ctx, engine.ListFilter{Labels: map[string]string{labels.Env: r.envID}})
		if err != nil {
			t.Errorf("cleanup: list volumes: %v", err)
		}
		for _, v := range vs {
			if err := e.VolumeRemove(ctx, v.Name); err != nil && !errors.Is(err, engine.ErrNotFound) {
				t.Errorf("cleanup: remove volume %s: %v", v.Name, err)
			}
		}
	})
	return r
}

// service is a test-service compose service named name.
func (r realEnv) service(t *testing.T, name string, env ...string) compose.Service {
	return compose.Service{Name: name, Image: r.image, Labels: itest.Label(t),
		Environment: append([]string{"TESTSVC_NAME=" + name}, env...),
		Networks:    []compose.ServiceNetwork{{Name: "default"}}}
}

// plan plans services in this environment, with a default network and a
// volume "data", all labelled for the test.
func (r realEnv) plan(t *testing.T, services ...compose.Service) *plan.Plan {
	t.Helper()
	p := &compose.Project{Name: "lctest", Hash: "h", Services: services,
		Networks: []compose.Network{{Name: "default", Labels: itest.Label(t)}},
		Volumes:  []compose.Volume{{Name: "data", Labels: itest.Label(t)}}}
	pl, err := plan.Build(p, plan.Identity{EnvID: r.envID, Project: "lctest", Mode: plan.ModeDedicated}, time.Now())
	require.NoError(t, err)
	return pl
}

// probed gives s the test service's health check.
func probed(s compose.Service, interval time.Duration) compose.Service {
	s.Healthcheck = &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Interval: interval, Retries: 3}
	return s
}

// eventLog collects the container events of an environment.
type eventLog struct {
	mu     sync.Mutex
	events []engine.Event
}

// watchEvents collects the container events of env from now on, until
// the test ends.
func watchEvents(t *testing.T, e engine.Engine, envID string) *eventLog {
	ctx, cancel := context.WithCancel(t.Context())
	l := &eventLog{}
	evc, _ := e.Events(ctx, engine.EventFilter{Types: []string{"container"},
		Labels: map[string]string{labels.Env: envID}, Since: time.Now()})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range evc {
			l.mu.Lock()
			l.events = append(l.events, ev)
			l.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

// wait waits until cond holds over the events seen so far.
func (l *eventLog) wait(t *testing.T, cond func([]engine.Event) bool, msg string) {
	t.Helper()
	require.Eventually(t, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return cond(l.events)
	}, 10*time.Second, 10*time.Millisecond, msg)
}

func TestUpRealStackHealthyThenTeardown(t *testing.T) {
	r := newRealStack(t)
	db := probed(r.service(t, "db"), time.Second)
	db.Mounts = []engine.Mount{{Type: "volume", Source: "data", Target: "/data"}}
	api := r.service(t, "api")
	api.DependsOn = map[string]compose.Condition{"db": compose.ServiceHealthy}
	api.Ports = []engine.PortBinding{{ContainerPort: 8080, HostPort: "8080"}}
	web := r.service(t, "web")
	web.DependsOn = map[string]compose.Condition{"api": compose.ServiceStarted}
	p := r.plan(t, db, api, web)

	start := time.Now()
	err := lifecycle.Up(t.Context(), r.e, p, lifecycle.UpOptions{Log: itest.Logger(t), WaitTimeout: time.Minute,
		Progress: progress.NewPlain(t.Output())})
	require.NoError(t, err)
	t.Logf("up of 3 services in 3 levels, db health-gated (interval 1s): %s", time.Since(start))

	st, err := lifecycle.Status(t.Context(), r.e, r.envID)
	require.NoError(t, err)
	// berth's own probe may have declared db ready before the engine's
	// first probe: the engine can still say "starting" here.
	ok, why := lifecycle.ConfirmStarting(t.Context(), r.e, st, p).Healthy(p)
	require.True(t, ok, why)
	require.Len(t, st.Services, 3)
	// The engine's check stays configured: it reaches "healthy" itself.
	require.Eventually(t, func() bool {
		st, err := lifecycle.Status(t.Context(), r.e, r.envID)
		return err == nil && len(st.Services) == 3 && st.Services[1].Health == "healthy"
	}, 10*time.Second, 50*time.Millisecond, "db: the engine's own health check never reported healthy")
	require.NotEmpty(t, st.Services[0].Ports, "api")
	for _, port := range st.Services[0].Ports {
		assert.NotEqual(t, 8080, port.HostPort, "dedicated: the fixed host port became ephemeral")
	}

	start = time.Now()
	res, err := lifecycle.Teardown(t.Context(), r.e, r.envID, lifecycle.TeardownOptions{})
	require.NoError(t, err)
	t.Logf("teardown: %s", time.Since(start))
	assert.Len(t, res.Containers, 3)
	assert.Equal(t, 1, res.Networks)
	assert.Equal(t, 1, res.Volumes)
	requireEnvGone(t, r.e, r.envID)
}

func TestUpRealCrashFailsFastWithLogs(t *testing.T) {
	r := newRealStack(t)
	// db crashes before its health endpoint answers: neither berth's probe
	// nor the engine's can call it ready first.
	db := probed(r.service(t, "db", "TESTSVC_CRASH_AFTER=1s", "TESTSVC_START_DELAY=30s", "TESTSVC_LOG=db-marker-7f3a"), 3*time.Second)
	api := r.service(t, "api")
	api.DependsOn = map[string]compose.Condition{"db": compose.ServiceHealthy}
	p := r.plan(t, db, api)
	evs := watchEvents(t, r.e, r.envID)

	err := lifecycle.Up(t.Context(), r.e, p, lifecycle.UpOptions{Log: itest.Logger(t), WaitTimeout: time.Minute})
	failed := time.Now()
	require.Error(t, err)
	t.Logf("error: %v", err)
	se, ok := errors.AsType[*lifecycle.ServiceError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "db", se.Service)
	assert.Equal(t, "exited with code 1", se.Reason)
	assert.Contains(t, err.Error(), "db-marker-7f3a", "the error carries db's log lines")
	assert.Contains(t, err.Error(), "testsvc db: crash")

	var died time.Time
	evs.wait(t, func(evs []engine.Event) bool {
		for _, ev := range evs {
			if ev.Action == "die" && ev.Attributes["name"] == r.envID+"-db-1" {
				died = ev.Time
				return true
			}
		}
		return false
	}, "the daemon reports db's death")
	// Up returned after the teardown, which here is immediate (nothing
	// else ran); the failure itself was seen within 2 s of the death.
	t.Logf("up returned %s after db died", failed.Sub(died))
	assert.Less(t, failed.Sub(died), 2*time.Second)
	requireEnvGone(t, r.e, r.envID)
}

func TestTeardownRealTakesOneGracePeriod(t *testing.T) {
	r := newRealStack(t)
	var svcs []compose.Service
	for i, name := range []string{"a", "b", "c"} {
		s := probed(r.service(t, name, "TESTSVC_IGNORE_SIGTERM=1"), time.Second)
		s.StopGrace = 2 * time.Second
		if i > 0 {
			s.DependsOn = map[string]compose.Condition{svcs[i-1].Name: compose.ServiceStarted}
		}
		svcs = append(svcs, s)
	}
	p := r.plan(t, svcs...)
	require.Len(t, p.Levels, 3)
	// Healthy means listening, so each service has set up its signal
	// handling (here: ignoring SIGTERM) before the teardown.
	require.NoError(t, lifecycle.Up(t.Context(), r.e, p, lifecycle.UpOptions{Log: itest.Logger(t), WaitTimeout: time.Minute}))

	evs := watchEvents(t, r.e, r.envID)
	start := time.Now()
	res, err := lifecycle.Teardown(t.Context(), r.e, r.envID, lifecycle.TeardownOptions{})
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("teardown of 3 levels, each ignoring SIGTERM with a 2s grace: %s", took)
	// Level by level it would take at least the three grace periods (6 s);
	// the rest of that bound is room for a loaded 2-core machine.
	assert.Less(t, took, 6*time.Second, "about one grace period, not one per level")
	assert.GreaterOrEqual(t, took, 2*time.Second, "each container got its full grace period")
	require.Len(t, res.Containers, 3)
	for _, c := range res.Containers {
		assert.True(t, c.Killed, "%s ignored SIGTERM and was killed after the grace period", c.Name)
	}

	var first map[string]string // container ID -> first signal
	evs.wait(t, func(evs []engine.Event) bool {
		first = map[string]string{}
		destroyed := 0
		for _, ev := range evs {
			if _, seen := first[ev.ActorID]; ev.Action == "kill" && !seen {
				first[ev.ActorID] = ev.Attributes["signal"]
			}
			if ev.Action == "destroy" {
				destroyed++
			}
		}
		return destroyed == 3
	}, "the daemon reports the 3 containers destroyed")
	require.Len(t, first, 3)
	for id, sig := range first {
		assert.Equal(t, "15", sig, "first signal to %s", shortID(id))
	}
	requireEnvGone(t, r.e, r.envID)
}

func shortID(id string) string { return id[:min(12, len(id))] }

func TestUpRealBuildsFromContext(t *testing.T) {
	var tag string
	e := itest.Engine(t)
	t.Cleanup(func() { // runs after the stack's cleanup removed the container
		if tag == "" {
			return
		}
		if err := e.ImageRemove(context.WithoutCancel(t.Context()), tag); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: remove image %s: %v", tag, err)
		}
	})
	r := newRealStack(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+r.image+"\nCOPY greeting.txt /greeting.txt\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "greeting.txt"), []byte("hello"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.log"), []byte("ignored"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("*.log\n"), 0o644))
	api := r.service(t, "api")
	api.Image, api.Build = "", &compose.Build{Context: dir}
	p := r.plan(t, api)
	tag = p.Builds[0].Tag

	start := time.Now()
	require.NoError(t, lifecycle.Up(t.Context(), r.e, p, lifecycle.UpOptions{Log: itest.Logger(t), WaitTimeout: time.Minute}))
	t.Logf("build and up: %s", time.Since(start))
	img, err := r.e.ImageInspect(t.Context(), tag)
	require.NoError(t, err)
	assert.Regexp(t, `^sha256:`, img.Labels[lifecycle.BuildDigestLabel])
	id := containerOf(t, r.e, r.envID, "api")
	res, err := engine.Exec(t.Context(), r.e, id, "/testsvc", "probe")
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, "the built image runs the test service: %s", res.Output)
	_, err = lifecycle.Teardown(t.Context(), r.e, r.envID, lifecycle.TeardownOptions{})
	require.NoError(t, err)
	requireEnvGone(t, r.e, r.envID)
}
