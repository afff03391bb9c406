package fake

import (
	"context"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerLogs returns the container's log lines, each ending in "\n";
// the last opts.Tail of them when Tail > 0.
func (e *Engine) ContainerLogs(ctx context.Context, id string, opts engine.LogOptions) ([]byte, error) {
	if err := e.begin(ctx, engine.OpContainerLogs); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(engine.OpContainerLogs, id)
	if err != nil {
		return nil, err
	}
	lines := c.logs
	if opts.Tail > 0 && len(lines) > opts.Tail {
		lines = lines[len(lines)-opts.Tail:]
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
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

// ContainerExec runs cmd through the [WithExec] hook (default: exit 0) in a
// running container; one that is not running is refused with ErrConflict.
func (e *Engine) ContainerExec(ctx context.Context, id string, cmd []string) (engine.ExecResult, error) {
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
	line := strings.Join(cmd, " ")
	e.emitContainerLocked(c, "exec_create: "+line, nil)
	e.emitContainerLocked(c, "exec_start: "+line, nil)
	e.mu.Unlock()
	res := e.cfg.exec(c.id, append([]string(nil), cmd...))
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emitContainerLocked(c, "exec_die", map[string]string{"exitCode": strconv.Itoa(res.ExitCode)})
	return res, nil
}
