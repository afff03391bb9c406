package engine

import (
	"context"
	"io"
	"time"
)

// LogLine is one line of a container's output.
type LogLine struct {
	Time   time.Time // when the daemon received it
	Stream string    // "stdout" or "stderr" ("stdout" for a container with a TTY)
	Text   string    // without its line ending
}

// ExecSpec describes a process to run in a running container.
type ExecSpec struct {
	Cmd        []string
	Env        []string // KEY=VALUE, added to the container's
	User       string   // "" = the container's user
	WorkingDir string   // "" = the container's
	// TTY gives the process a terminal: its stdout and stderr are one
	// stream, written to Stdout.
	TTY bool
	// Stdin, when not nil, is copied to the process's standard input until
	// it ends; the process then sees end of file.
	Stdin io.Reader
	// Stdout and Stderr receive the output as it comes. When both are nil
	// the output is collected in [ExecResult.Output] instead.
	Stdout, Stderr io.Writer
	// Size is the terminal's size (rows, columns) with TTY; Resize, when
	// not nil, delivers later sizes until it is closed or the process ends.
	Size   TermSize
	Resize <-chan TermSize
	// Bounded is the caller's promise that the process is short and that
	// ctx bounds its run (a deadline: a readiness probe bounded by its
	// health check's timeout). The gate then holds one of the operation
	// slots (BERTH_MAX_CONCURRENT_OPS) for the whole run, wait for a slot
	// included in that deadline; it refuses a Bounded exec whose ctx has
	// no deadline ([ErrInvalid]). An exec that is not Bounded (an
	// interactive shell, `berth exec`) may stream for hours and holds no
	// slot. The engine itself ignores the field.
	Bounded bool
}

// TermSize is a terminal's size.
type TermSize struct{ Rows, Cols uint }

// ExecResult is how an exec ended.
type ExecResult struct {
	ExitCode int
	// Output is stdout and stderr, demultiplexed and concatenated in
	// arrival order, when the spec gave no writers.
	Output []byte
	// StartFailure is the daemon's message when it could not start the
	// command at all (ExitCode is then 127 for a command not found, else
	// 126); it is not part of the output.
	StartFailure string
}

// Logs collects the container's log lines (see [Engine.ContainerLogs]),
// each ending in "\n".
func Logs(ctx context.Context, e Engine, id string, opts LogOptions) ([]byte, error) {
	var b []byte
	err := e.ContainerLogs(ctx, id, opts, func(l LogLine) {
		b = append(append(b, l.Text...), '\n')
	})
	return b, err
}

// Exec runs cmd in the running container id with no input and collects
// its output (see [Engine.ContainerExec]).
func Exec(ctx context.Context, e Engine, id string, cmd ...string) (ExecResult, error) {
	return e.ContainerExec(ctx, id, ExecSpec{Cmd: cmd})
}
