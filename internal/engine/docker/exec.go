package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerExec runs cmd in the running container, waits for it to finish
// and returns its exit code and demultiplexed output (stdout then stderr
// frames in arrival order). Cancelling ctx stops waiting; the process may
// keep running in the container.
func (e *Engine) ContainerExec(ctx context.Context, id string, cmd []string) (engine.ExecResult, error) {
	const op = engine.OpContainerExec
	created, err := e.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd: cmd, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return engine.ExecResult{}, wrap(op, err)
	}
	att, err := e.cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return engine.ExecResult{}, wrap(op, err)
	}
	defer att.Close()
	done := make(chan struct{})
	var out []byte
	var rerr error
	go func() {
		defer close(done)
		out, rerr = readStream(att.Reader, false)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		att.Close() // unblocks the reader
		<-done
		return engine.ExecResult{}, wrap(op, ctx.Err())
	}
	if rerr != nil {
		return engine.ExecResult{}, wrap(op, fmt.Errorf("read exec output in container %s: %w", id, rerr))
	}
	code, err := e.execExitCode(ctx, created.ID)
	if err != nil {
		return engine.ExecResult{}, wrap(op, fmt.Errorf("exec in container %s: %w", id, err))
	}
	return engine.ExecResult{ExitCode: code, Output: out}, nil
}

// execSettle bounds how long the daemon may still report an exec as running
// after its output stream ended (a brief window on some daemons).
const execSettle = 5 * time.Second

// execExitCode inspects a finished exec for its exit code, polling briefly
// while the daemon still reports it running.
func (e *Engine) execExitCode(ctx context.Context, execID string) (int, error) {
	deadline := time.NewTimer(execSettle)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		insp, err := e.cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
		if err != nil {
			return 0, err
		}
		if !insp.Running {
			return insp.ExitCode, nil
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return 0, fmt.Errorf("exec %s: output ended but the daemon still reports it running after %s: %w",
				execID, execSettle, engine.ErrTransient)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}
