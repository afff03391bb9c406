package console

import (
	"context"
	"fmt"
	"io"

	"github.com/berth-dev/berth/internal/engine"
)

// ExecOptions describe a command to run in a service's container.
type ExecOptions struct {
	Cmd        []string
	Env        []string
	User       string
	WorkingDir string
	// Terminal runs the command on a terminal: the local one is put in raw
	// mode for the command's life and its size follows the local one.
	Terminal Terminal
	Stdin    io.Reader // nil: no input
	Stdout   io.Writer
	Stderr   io.Writer
}

// Terminal is the local terminal an interactive exec runs on; nil for
// none. See [NewTerminal].
type Terminal interface {
	// Raw puts it in raw mode; restore undoes that.
	Raw() (restore func(), err error)
	Size() engine.TermSize
	// Resizes delivers new sizes until stop is called.
	Resizes() (sizes <-chan engine.TermSize, stop func())
}

// Exec runs o in container and returns the command's exit code: 127 when
// the command was not found and 126 when it could not be run (the daemon's
// message goes to o.Stderr). It is never retried.
func Exec(ctx context.Context, e engine.Engine, container string, o ExecOptions) (int, error) {
	spec := engine.ExecSpec{Cmd: o.Cmd, Env: o.Env, User: o.User, WorkingDir: o.WorkingDir,
		Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr}
	if o.Terminal != nil {
		restore, err := o.Terminal.Raw()
		if err != nil {
			return 0, fmt.Errorf("exec: put the terminal in raw mode: %w", err)
		}
		defer restore()
		sizes, stop := o.Terminal.Resizes()
		defer stop()
		spec.TTY, spec.Size, spec.Resize = true, o.Terminal.Size(), sizes
	}
	res, err := e.ContainerExec(ctx, container, spec)
	if err != nil {
		return 0, err
	}
	if res.StartFailure != "" {
		fmt.Fprintf(o.Stderr, "berth exec: cannot run %q: %s\n", o.Cmd[0], res.StartFailure)
	}
	return res.ExitCode, nil
}
