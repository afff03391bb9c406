package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerExec runs spec in the running container id and returns its
// exit code once its output ended. Stdin is copied to the process until it
// ends (then the process sees end of file); output goes to the spec's
// writers, or is collected when there are none. Cancelling ctx stops
// waiting and closes the streams; the process may keep running in the
// container. A command the daemon cannot start is not an error: the result
// carries the daemon's message in StartFailure, with exit code 127 when the
// command was not found and 126 otherwise (Docker 20.10 says 126 for both).
func (e *Engine) ContainerExec(ctx context.Context, id string, spec engine.ExecSpec) (engine.ExecResult, error) {
	const op = engine.OpContainerExec
	size := client.ConsoleSize{Height: spec.Size.Rows, Width: spec.Size.Cols}
	created, err := e.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd: spec.Cmd, Env: spec.Env, User: spec.User, WorkingDir: spec.WorkingDir, TTY: spec.TTY,
		ConsoleSize: size, AttachStdin: spec.Stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return engine.ExecResult{}, wrap(op, err)
	}
	att, err := e.cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{TTY: spec.TTY, ConsoleSize: size})
	if err != nil {
		return engine.ExecResult{}, wrap(op, err)
	}
	defer att.Close()
	var collected bytes.Buffer
	stdout, stderr := spec.Stdout, spec.Stderr
	if stdout == nil && stderr == nil {
		stdout, stderr = &collected, &collected
	}
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	sniff := &startSniffer{w: stdout}
	if spec.Stdin != nil {
		go func() {
			_, _ = io.Copy(att.Conn, spec.Stdin)
			_ = att.CloseWrite()
		}()
	}
	var resizes sync.WaitGroup
	if spec.TTY && spec.Resize != nil {
		rctx, cancel := context.WithCancel(ctx)
		defer func() { cancel(); resizes.Wait() }()
		resizes.Go(func() { e.followResizes(rctx, created.ID, spec.Resize) })
	}
	done := make(chan error, 1)
	go func() {
		var err error
		if spec.TTY {
			_, err = io.Copy(sniff, att.Reader)
		} else {
			_, err = stdcopy.StdCopy(sniff, stderr, att.Reader)
		}
		done <- errors.Join(err, sniff.flush())
	}()
	var rerr error
	select {
	case rerr = <-done:
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
	res := engine.ExecResult{ExitCode: code, Output: collected.Bytes()}
	if msg, c, ok := sniff.startFailure(); ok && code == 126 {
		res.ExitCode, res.StartFailure = c, msg
	}
	return res, nil
}

// followResizes passes terminal sizes on to the exec's TTY until the
// channel closes or ctx ends. A failed resize is not worth stopping for.
func (e *Engine) followResizes(ctx context.Context, execID string, sizes <-chan engine.TermSize) {
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-sizes:
			if !ok {
				return
			}
			_, _ = e.cli.ExecResize(ctx, execID, client.ExecResizeOptions{Height: s.Rows, Width: s.Cols})
		}
	}
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
