package fake

import (
	"github.com/berth-dev/berth/internal/engine"
)

// AppendLog appends line to the log of container id (any state).
func (e *Engine) AppendLog(id, line string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(engine.OpContainerLogs, id)
	if err != nil {
		return err
	}
	e.logLocked(c, "stdout", line)
	return nil
}

// SetStats sets the sample ContainerStats returns for container id.
func (e *Engine) SetStats(id string, s engine.Stats) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(engine.OpContainerStats, id)
	if err != nil {
		return err
	}
	c.stats = &s
	return nil
}

// SetHealth sets the health status ("starting", "healthy", "unhealthy") of
// running container id, which must have a health check, and emits
// "health_status: <status>" when it changes. Unhealthy sets the failing
// streak to the check's retries (at least 1); healthy clears it.
func (e *Engine) SetHealth(id, status string) error {
	const op = engine.OpContainerInspect
	switch status {
	case "starting", "healthy", "unhealthy":
	default:
		return errorf(op, engine.ErrInvalid, "set health: unknown status %q", status)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(op, id)
	if err != nil {
		return err
	}
	if !c.state.Running || c.state.Health == nil {
		return errorf(op, engine.ErrConflict, "set health: container %s is not running with a health check", c.id)
	}
	h := c.state.Health
	switch status {
	case "unhealthy":
		h.FailingStreak = max(1, c.spec.Healthcheck.Retries)
	case "healthy":
		h.FailingStreak = 0
	}
	if h.Status != status {
		h.Status = status
		e.emitContainerLocked(c, "health_status: "+status, nil)
	}
	return nil
}

// Exit makes running container id exit with code, as a crash would: it
// emits die, and the restart policy applies.
func (e *Engine) Exit(id string, code int) error {
	return e.crash(id, code, false)
}

// OOMKill makes running container id die as the kernel's OOM killer does:
// it emits oom then die with code 137, sets State.OOMKilled, and the
// restart policy applies.
func (e *Engine) OOMKill(id string) error {
	return e.crash(id, 137, true)
}

func (e *Engine) crash(id string, code int, oom bool) error {
	const op = engine.OpContainerInspect // a hook, not an engine call: errors name the lookup
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(op, id)
	if err != nil {
		return err
	}
	if !c.state.Running {
		return errorf(op, engine.ErrConflict, "Container %s is not running", c.id)
	}
	if oom {
		e.emitContainerLocked(c, "oom", nil)
	}
	e.dieLocked(c, code, oom)
	e.restartLocked(c)
	return nil
}
