package fake

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// defaultGrace is the daemon's stop timeout when none is set.
const defaultGrace = 10 * time.Second

// ContainerStart starts a created or exited container; starting a running
// one does nothing. It attaches the networks (a missing one is ErrNotFound,
// an ambiguous name ErrTransient), binds the published ports, resets health to "starting" and echoes
// TESTSVC_LOG into the log.
func (e *Engine) ContainerStart(ctx context.Context, id string) error {
	const op = engine.OpContainerStart
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(op, id)
	if err != nil {
		return err
	}
	if c.state.Running {
		return nil
	}
	return e.startLocked(op, c)
}

func (e *Engine) startLocked(op engine.Op, c *container) error {
	if err := e.attachPendingLocked(op, c); err != nil {
		return err
	}
	if err := e.joinLocked(op, c); err != nil {
		return err
	}
	ports, err := e.bindPortsLocked(op, c)
	if err != nil {
		return err
	}
	e.nextPid++
	c.gen++
	c.ports = ports
	c.state = engine.ContainerState{Status: "running", Running: true, Pid: e.nextPid, StartedAt: e.now()}
	if c.hasHealthcheck() {
		c.state.Health = &engine.Health{Status: "starting"}
	}
	if msg := c.envValue("TESTSVC_LOG"); msg != "" {
		e.logLocked(c, "stdout", msg)
	}
	for nid := range c.nets {
		e.emitNetworkLocked(e.networks[nid], "connect", c.id)
	}
	e.emitContainerLocked(c, "start", nil)
	return nil
}

// ContainerStop sends the stop signal and returns when the container has
// exited; a container that is not running is left as it is. A container
// that ignores the signal (see the package doc) is killed after the grace
// period. If ctx ends during the grace period the container keeps running
// and the ctx error is returned.
func (e *Engine) ContainerStop(ctx context.Context, id string, opts engine.StopOptions) error {
	const op = engine.OpContainerStop
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	c, err := e.findContainerLocked(op, id)
	if err != nil || !c.state.Running {
		e.mu.Unlock()
		return err
	}
	sig := firstNonEmpty(opts.Signal, c.spec.StopSignal, "SIGTERM")
	num, err := signalNumber(op, sig)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	grace := defaultGrace
	if opts.Timeout != nil {
		grace = *opts.Timeout
	} else if c.spec.StopTimeout != nil {
		grace = *c.spec.StopTimeout
	}
	e.emitContainerLocked(c, "kill", map[string]string{"signal": strconv.Itoa(num)})
	if dies, code := signalEffect(c, num); dies {
		e.dieLocked(c, code, false)
		e.emitContainerLocked(c, "stop", nil)
		e.mu.Unlock()
		return nil
	}
	gen := c.gen
	e.mu.Unlock()
	if err := e.cfg.sleep(ctx, grace); err != nil {
		return engine.Wrap(op, nil, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.gen == gen && c.state.Running {
		e.emitContainerLocked(c, "kill", map[string]string{"signal": "9"})
		e.dieLocked(c, 137, false)
	}
	e.emitContainerLocked(c, "stop", nil)
	return nil
}

// dieLocked moves a running container to "exited" with code, releases its
// ports and emits die and the network disconnects.
func (e *Engine) dieLocked(c *container, code int, oom bool) {
	e.releasePortsLocked(c)
	c.state.Status, c.state.Running, c.state.Pid = "exited", false, 0
	c.state.ExitCode, c.state.OOMKilled, c.state.FinishedAt = code, oom, e.now()
	c.notifyLocked()
	e.emitContainerLocked(c, "die", map[string]string{"exitCode": strconv.Itoa(code)})
	for nid := range c.nets {
		if n, ok := e.networks[nid]; ok {
			e.emitNetworkLocked(n, "disconnect", c.id)
		}
	}
}

// restartLocked applies the restart policy after an unrequested exit.
func (e *Engine) restartLocked(c *container) {
	p := c.spec.Restart
	switch strings.ToLower(p.Name) {
	case "always", "unless-stopped":
	case "on-failure":
		if c.state.ExitCode == 0 || (p.MaximumRetryCount > 0 && c.restarts >= p.MaximumRetryCount) {
			return
		}
	default:
		return
	}
	c.restarts++
	_ = e.startLocked(engine.OpContainerStart, c) // a failed restart leaves it exited, as the daemon does
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
