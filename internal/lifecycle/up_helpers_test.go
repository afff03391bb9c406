package lifecycle_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// svc is a compose service of the test image with the given dependencies.
func svc(name string, deps map[string]compose.Condition) compose.Service {
	return compose.Service{Name: name, Image: fakeImage, DependsOn: deps, Networks: []compose.ServiceNetwork{{Name: "default"}}}
}

// healthy gives s a fast health check.
func healthy(s compose.Service) compose.Service {
	s.Healthcheck = &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Interval: time.Second, Retries: 3}
	return s
}

// planOf plans services as environment envID, with a default network and
// a volume "data".
func planOf(t *testing.T, envID string, services ...compose.Service) *plan.Plan {
	t.Helper()
	p := &compose.Project{Name: "t", Hash: "h", Services: services,
		Networks: []compose.Network{{Name: "default"}}, Volumes: []compose.Volume{{Name: "data"}}}
	pl, err := plan.Build(p, plan.Identity{EnvID: envID, Project: "t", Mode: plan.ModeShared}, time.Now())
	require.NoError(t, err)
	return pl
}

// upAsync runs Up in the background; the result arrives on the channel.
func upAsync(t *testing.T, e engine.Engine, p *plan.Plan, o lifecycle.UpOptions) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		done <- lifecycle.Up(t.Context(), e, p, o)
	}()
	t.Cleanup(func() {
		select {
		case <-finished:
		case <-time.After(30 * time.Second):
			t.Errorf("Up did not return")
		}
	})
	return done
}

// result waits for Up's result.
func result(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("Up did not return within 20 s")
		return nil
	}
}

// containerOf waits until service's container exists in env and returns
// its ID.
func containerOf(t *testing.T, e engine.Engine, envID, service string) string {
	t.Helper()
	var id string
	require.Eventually(t, func() bool {
		cs, err := e.ContainerList(t.Context(), engine.ListFilter{All: true,
			Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
		if err != nil || len(cs) == 0 {
			return false
		}
		id = cs[0].ID
		return true
	}, 10*time.Second, 5*time.Millisecond, "no container for service %s", service)
	return id
}

// hasContainer reports whether service has a container in env now.
func hasContainer(t *testing.T, e engine.Engine, envID, service string) bool {
	t.Helper()
	cs, err := e.ContainerList(t.Context(), engine.ListFilter{All: true,
		Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
	require.NoError(t, err)
	return len(cs) > 0
}

// hasStarted reports whether service's container in env was started
// (it runs or ran): [lifecycle.Up] creates every container first, and
// starts one only once its dependencies meet their conditions.
func hasStarted(t *testing.T, e engine.Engine, envID, service string) bool {
	t.Helper()
	cs, err := e.ContainerList(t.Context(), engine.ListFilter{All: true,
		Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
	require.NoError(t, err)
	return len(cs) > 0 && cs[0].State != "created"
}

// requireEnvGone asserts nothing labelled with env remains.
func requireEnvGone(t *testing.T, e engine.Engine, envID string) {
	t.Helper()
	mine := map[string]string{labels.Env: envID}
	cs, err := e.ContainerList(t.Context(), engine.ListFilter{All: true, Labels: mine})
	require.NoError(t, err)
	require.Empty(t, cs, "containers left")
	ns, err := e.NetworkList(t.Context(), engine.ListFilter{Labels: mine})
	require.NoError(t, err)
	require.Empty(t, ns, "networks left")
	vs, err := e.VolumeList(t.Context(), engine.ListFilter{Labels: mine})
	require.NoError(t, err)
	require.Empty(t, vs, "volumes left")
}

// recorder is a [progress.Reporter] that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []string // "service phase"
	change chan struct{}
}

func newRecorder() *recorder { return &recorder{change: make(chan struct{})} }

func (r *recorder) Service(name string, phase progress.Phase, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("%s %s", name, phase))
	close(r.change)
	r.change = make(chan struct{})
}

// wait waits until event "service phase" was reported.
func (r *recorder) wait(t *testing.T, event string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		r.mu.Lock()
		seen, ch := slices.Contains(r.events, event), r.change
		r.mu.Unlock()
		if seen {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("progress event %q never reported; got %v", event, r.all())
		}
	}
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// index returns the position of event, or -1.
func (r *recorder) index(event string) int {
	return slices.Index(r.all(), event)
}

// instant makes the fake's grace periods instant.
func instant() fake.Option {
	return fake.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
}

// withImage returns sp with another image.
func withImage(sp plan.ServicePlan, image string) plan.ServicePlan {
	sp.Spec.Image = image
	return sp
}

// fakeSleep makes the fake's grace periods instant and records each on ch.
func fakeSleep(ch chan<- time.Duration) fake.Option {
	return fake.WithSleep(func(ctx context.Context, d time.Duration) error {
		ch <- d
		return ctx.Err()
	})
}
