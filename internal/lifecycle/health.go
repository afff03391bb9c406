package lifecycle

import (
	"fmt"
	"strconv"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// observed is what [Up] knows of one container, from events and
// inspections. died, oom and unhealthy are sticky: once seen they stay,
// so a crash followed at once by a restart is not missed.
type observed struct {
	inspected bool // at least one inspection applied
	running   bool
	exited    bool // exited or dead
	exitCode  int
	health    string // "", "starting", "healthy", "unhealthy"
	died      bool
	dieCode   int
	oom       bool
	unhealthy bool
	gone      bool // removed by someone else
	// probed: berth's own run of the service's health check passed
	// (active readiness) before the engine said healthy. Sticky: the
	// engine's "unhealthy" or a death still fails the service.
	probed bool
}

// fromInspect merges inspection c into o.
func (o *observed) fromInspect(c engine.Container) {
	s := c.State
	o.inspected = true
	o.running = s.Status == "running" || (s.Status == "" && s.Running && !s.Restarting)
	o.exited = s.Status == "exited" || s.Status == "dead"
	o.exitCode = s.ExitCode
	o.health = ""
	if s.Health != nil {
		o.health = s.Health.Status
	}
	if o.exited || c.RestartCount > 0 {
		o.died, o.dieCode = true, s.ExitCode
	}
	o.oom = o.oom || s.OOMKilled
	o.unhealthy = o.unhealthy || o.health == "unhealthy"
}

// fromEvent applies a container event's action to o; it reports whether
// the action is one [Up] follows.
func (o *observed) fromEvent(ev engine.Event) bool {
	switch ev.Action {
	case "start":
		o.running, o.exited = true, false
		if o.health != "" {
			o.health = "starting"
		}
	case "die":
		o.running, o.exited, o.died = false, true, true
		code, _ := strconv.Atoi(ev.Attributes["exitCode"]) // a missing code reads as 0
		o.dieCode, o.exitCode = code, code
	case "oom":
		o.oom = true
	case "health_status: healthy":
		o.health = "healthy"
	case "health_status: unhealthy":
		o.health, o.unhealthy = "unhealthy", true
	case "health_status: starting":
		o.health = "starting"
	default:
		return false
	}
	return true
}

// hasHealth reports whether the service has a health check: declared in
// the compose file, or brought by its image (the engine reports a status).
func (o observed) hasHealth(sp plan.ServicePlan) bool {
	return sp.Healthcheck || o.health != ""
}

// failure says why service sp, in state o, has failed the up, or "" when
// it has not: it was OOM-killed, it exited (other than a job exiting 0),
// or it turned unhealthy.
func (o observed) failure(sp plan.ServicePlan) string {
	switch {
	case o.gone:
		return "was removed while the environment came up"
	case o.oom:
		return "was killed by the kernel for lack of memory (OOM)"
	case o.died && !(sp.Job && o.dieCode == 0):
		return fmt.Sprintf("exited with code %d", o.dieCode)
	case o.unhealthy:
		return "turned unhealthy"
	}
	return ""
}

// satisfies reports whether dependency sp, in state o, meets condition c.
func (o observed) satisfies(sp plan.ServicePlan, c compose.Condition) bool {
	switch c {
	case compose.ServiceHealthy:
		if !o.inspected {
			return false // the image may bring a health check: wait to know
		}
		if o.hasHealth(sp) {
			return o.running && (o.health == "healthy" || o.probed)
		}
		return o.running
	case compose.ServiceCompletedSuccessfully:
		return o.exited && o.exitCode == 0
	default: // service_started
		return o.running || o.exited
	}
}

// ready reports whether service sp, in state o, holds the condition any
// dependent would wait for: a job exited 0; a service with a health check
// is healthy; any other runs.
func (o observed) ready(sp plan.ServicePlan) bool {
	if sp.Job {
		return o.satisfies(sp, compose.ServiceCompletedSuccessfully)
	}
	return o.satisfies(sp, compose.ServiceHealthy)
}

// readyPhase is the progress phase of service sp once ready in state o:
// which path declared it ready when it has a health check.
func (o observed) readyPhase(sp plan.ServicePlan) progress.Phase {
	switch {
	case sp.Job || !o.hasHealth(sp):
		return progress.Ready
	case o.probed:
		return progress.ReadyProbe
	}
	return progress.HealthyEngine
}

// waitsFor describes what ready(sp) waits for, for messages.
func waitsFor(sp plan.ServicePlan, o observed) string {
	switch {
	case sp.Job:
		return "to exit 0"
	case o.hasHealth(sp):
		return "to be healthy"
	}
	return "to run"
}

// state names o's state for messages.
func (o observed) state() string {
	switch {
	case o.running:
		return "running"
	case o.exited:
		return "exited"
	case !o.inspected:
		return "unknown"
	}
	return "created"
}
