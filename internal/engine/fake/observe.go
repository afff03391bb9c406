package fake

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// logLocked appends a line to c's log and wakes followers.
func (e *Engine) logLocked(c *container, stream, text string) {
	c.logs = append(c.logs, engine.LogLine{Time: e.now(), Stream: stream, Text: text})
	c.notifyLocked()
}

// notifyLocked wakes whoever waits for c to change.
func (c *container) notifyLocked() {
	if c.changed != nil {
		close(c.changed)
	}
	c.changed = make(chan struct{})
}

// ContainerLogs delivers the container's log lines (the last opts.Tail,
// from opts.Since); with opts.Follow it then waits for more until the
// container is not running (or removed) or ctx ends.
func (e *Engine) ContainerLogs(ctx context.Context, id string, opts engine.LogOptions, line func(engine.LogLine)) error {
	const op = engine.OpContainerLogs
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	c, err := e.findContainerLocked(op, id)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	var first []engine.LogLine
	for _, l := range c.logs {
		if !l.Time.Before(opts.Since) {
			first = append(first, l)
		}
	}
	if opts.Tail > 0 && len(first) > opts.Tail {
		first = first[len(first)-opts.Tail:]
	}
	next := len(c.logs)
	for {
		if c.changed == nil {
			c.notifyLocked()
		}
		running, changed := c.state.Running, c.changed
		e.mu.Unlock()
		for _, l := range first {
			line(l)
		}
		if !opts.Follow || !running {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		e.mu.Lock()
		first, next = append([]engine.LogLine(nil), c.logs[next:]...), len(c.logs)
	}
}

// ContainerStats returns the sample set with [Engine.SetStats], else zero
// usage with the container's memory limit (the host's memory without one).
func (e *Engine) ContainerStats(ctx context.Context, id string) (engine.Stats, error) {
	if err := e.begin(ctx, engine.OpContainerStats); err != nil {
		return engine.Stats{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(engine.OpContainerStats, id)
	if err != nil {
		return engine.Stats{}, err
	}
	if c.stats != nil {
		return *c.stats, nil
	}
	limit := c.spec.MemoryLimit
	if limit <= 0 {
		limit = e.cfg.memTotal
	}
	return engine.Stats{MemoryLimit: limit}, nil
}

// ContainerExec runs spec through the [WithExec] hook (default: the test
// service's subcommands, see testsvcExec) in a running container; one that is not running is refused with
// ErrConflict. The hook's output goes to spec.Stdout when set.
func (e *Engine) ContainerExec(ctx context.Context, id string, spec engine.ExecSpec) (engine.ExecResult, error) {
	const op = engine.OpContainerExec
	if err := e.begin(ctx, op); err != nil {
		return engine.ExecResult{}, err
	}
	e.mu.Lock()
	c, err := e.findContainerLocked(op, id)
	if err == nil && !c.state.Running {
		err = errorf(op, engine.ErrConflict, "Container %s is not running", c.id)
	}
	if err != nil {
		e.mu.Unlock()
		return engine.ExecResult{}, err
	}
	line := strings.Join(spec.Cmd, " ")
	e.emitContainerLocked(c, "exec_create: "+line, nil)
	e.emitContainerLocked(c, "exec_start: "+line, nil)
	health := ""
	if c.state.Health != nil {
		health = c.state.Health.Status
	}
	e.mu.Unlock()
	var res engine.ExecResult
	if e.cfg.exec != nil {
		res = e.cfg.exec(c.id, spec)
	} else {
		res = testsvcExec(spec, health)
	}
	if spec.Stdout != nil {
		_, _ = spec.Stdout.Write(res.Output)
		res.Output = nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emitContainerLocked(c, "exec_die", map[string]string{"exitCode": strconv.Itoa(res.ExitCode)})
	return res, nil
}

// testsvcExec is the default exec: the test service's subcommands as the
// test image runs them ("/testsvc cat" echoes stdin; "/testsvc probe"
// exits 0 when the container has no health check or is healthy, else 1,
// so a probe agrees with the status [Engine.SetHealth] set); anything
// else exits 0 with no output.
func testsvcExec(spec engine.ExecSpec, health string) engine.ExecResult {
	if len(spec.Cmd) == 2 && spec.Cmd[0] == "/testsvc" && spec.Cmd[1] == "cat" && spec.Stdin != nil {
		out, _ := io.ReadAll(spec.Stdin)
		return engine.ExecResult{Output: out}
	}
	if len(spec.Cmd) == 2 && spec.Cmd[0] == "/testsvc" && spec.Cmd[1] == "probe" && health != "" && health != "healthy" {
		return engine.ExecResult{ExitCode: 1, Output: []byte("probe: " + health + "\n")}
	}
	return engine.ExecResult{}
}
