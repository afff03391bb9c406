package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

func TestObservedConditions(t *testing.T) {
	withHC := plan.ServicePlan{Healthcheck: true}
	plain := plan.ServicePlan{}
	job := plan.ServicePlan{Job: true}
	running := observed{inspected: true, running: true}
	starting := observed{inspected: true, running: true, health: "starting"}
	healthy := observed{inspected: true, running: true, health: "healthy"}
	exited0 := observed{inspected: true, exited: true, died: true}
	exited1 := observed{inspected: true, exited: true, exitCode: 1, died: true, dieCode: 1}

	cases := []struct {
		name string
		o    observed
		sp   plan.ServicePlan
		cond compose.Condition
		want bool
	}{
		{"started: running", running, plain, compose.ServiceStarted, true},
		{"started: exited counts", exited0, plain, compose.ServiceStarted, true},
		{"started: not yet", observed{}, plain, compose.ServiceStarted, false},
		{"healthy: declared check starting", starting, withHC, compose.ServiceHealthy, false},
		{"healthy: declared check healthy", healthy, withHC, compose.ServiceHealthy, true},
		{"healthy: declared check, no status yet", running, withHC, compose.ServiceHealthy, false},
		{"healthy: no check, running", running, plain, compose.ServiceHealthy, true},
		{"healthy: image's own check starting", starting, plain, compose.ServiceHealthy, false},
		{"healthy: not inspected yet", observed{running: true}, plain, compose.ServiceHealthy, false},
		{"completed: exit 0", exited0, job, compose.ServiceCompletedSuccessfully, true},
		{"completed: exit 1", exited1, job, compose.ServiceCompletedSuccessfully, false},
		{"completed: running", running, job, compose.ServiceCompletedSuccessfully, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.o.satisfies(c.sp, c.cond), c.name)
	}
	assert.True(t, exited0.ready(job))
	assert.False(t, running.ready(job))
	assert.True(t, healthy.ready(withHC))
	assert.False(t, starting.ready(plain))
}

func TestObservedFailure(t *testing.T) {
	job := plan.ServicePlan{Job: true}
	plain := plan.ServicePlan{}
	assert.Empty(t, observed{running: true}.failure(plain))
	assert.Empty(t, observed{died: true}.failure(job), "a job may exit 0")
	assert.Equal(t, "exited with code 0", observed{died: true}.failure(plain))
	assert.Equal(t, "exited with code 3", observed{died: true, dieCode: 3}.failure(job))
	assert.Contains(t, observed{died: true, dieCode: 137, oom: true}.failure(plain), "OOM")
	assert.Equal(t, "turned unhealthy", observed{running: true, unhealthy: true}.failure(plain))
	assert.Contains(t, observed{gone: true}.failure(plain), "removed")
}

func TestObservedEventsAndInspect(t *testing.T) {
	var o observed
	assert.True(t, o.fromEvent(engine.Event{Action: "start"}))
	assert.True(t, o.running)
	assert.False(t, o.fromEvent(engine.Event{Action: "exec_start: /testsvc probe"}))
	assert.True(t, o.fromEvent(engine.Event{Action: "health_status: unhealthy"}))
	assert.True(t, o.fromEvent(engine.Event{Action: "health_status: healthy"}))
	assert.Equal(t, "healthy", o.health)
	assert.True(t, o.unhealthy, "sticky")
	assert.True(t, o.fromEvent(engine.Event{Action: "die", Attributes: map[string]string{"exitCode": "2"}}))
	assert.Equal(t, observed{running: false, exited: true, exitCode: 2, died: true, dieCode: 2, health: "healthy", unhealthy: true}, o)
	assert.True(t, o.fromEvent(engine.Event{Action: "start"}))
	assert.Equal(t, "starting", o.health, "a restart resets health")
	assert.True(t, o.died, "a restart does not hide the death")

	var i observed
	i.fromInspect(engine.Container{RestartCount: 1, State: engine.ContainerState{Status: "running", Running: true,
		Health: &engine.Health{Status: "starting"}}})
	assert.True(t, i.inspected && i.running && i.died, "a restart count reveals a death")
	i = observed{}
	i.fromInspect(engine.Container{State: engine.ContainerState{Status: "restarting", Running: true, Restarting: true}})
	assert.False(t, i.running)
	i.fromInspect(engine.Container{State: engine.ContainerState{Status: "exited", ExitCode: 137, OOMKilled: true}})
	assert.True(t, i.exited && i.oom && i.died)
	assert.Equal(t, 137, i.dieCode)
}
