package berth

import (
	"io"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/resolve"
)

// Options describe an environment to acquire. Zero values mean "not set":
// then the environment variables (BERTH_SHARED, BERTH_PRODUCTION,
// BERTH_LINGER, BERTH_WAIT_TIMEOUT and their TEST_* aliases), then the
// compose file's x-berth section, then the defaults apply.
type Options struct {
	// Files are the compose files (-f), merged in order; empty means
	// compose.yaml (or docker-compose.yml...) in WorkingDir.
	Files       []string
	WorkingDir  string // default: the current directory
	ProjectName string // default: the compose file's name, else the directory

	// Dedicated asks for a copy of the stack of one's own, with ephemeral
	// host ports; otherwise environments are shared (reference-counted).
	Dedicated *bool
	// Production applies x-berth production image overrides.
	Production *bool
	// WaitTimeout bounds the wait for the stack to be ready (default 2 min).
	WaitTimeout *time.Duration
	// Linger is how long an environment stays up after its last lease goes,
	// for reuse (default 2 min). Dedicated environments never linger.
	Linger *time.Duration

	// WaitForMemory bounds how long a new environment whose memory limits
	// do not fit in what the daemon has left waits for memory to be
	// released (default BERTH_WAIT_FOR_MEMORY, else 10 min); 0 refuses at
	// once with an [*AdmissionError]. One larger than the whole daemon is
	// refused at once.
	WaitForMemory *time.Duration

	// HolderPID is the process whose life the lease follows; 0 means this
	// process, which then holds the lease's lock itself (a kernel lock on a
	// file in the state directory: the lease is live exactly while it is
	// held, and the kernel drops it when the process dies, kill -9
	// included). [NoHolder] means no process: the lease lives by
	// HeartbeatTTL alone. `berth up` passes its parent.
	HolderPID int
	// Keeper is the command line of a keeper process that holds the
	// lease's lock for HolderPID when that is another process: it runs
	// detached and exits when HolderPID exits or the lease is released.
	// `berth up` passes berth's own hidden command. Without it, a lease of
	// another process is judged by that process's PID and start time on
	// this host, which fails across PID namespaces.
	Keeper []string
	// HeartbeatTTL, when > 0, also keeps the lease alive while heartbeats
	// (sent by [Env] every TTL/3) are fresher than this; it is what keeps a
	// lease live when no process holds its lock.
	HeartbeatTTL time.Duration

	// Progress receives per-service progress while an environment comes
	// up: live lines on a terminal, plain lines otherwise; and, when a
	// daemon restart had stopped the environment, which services were
	// started again and which endpoints changed. nil is silent.
	Progress io.Writer
	// Refill is the command line of a detached process that refills the
	// project's warm pool after a dedicated acquisition (`berth` passes
	// its own hidden `pool refill`); nil refills nothing.
	Refill []string
	Logger *slog.Logger        // nil discards
	Getenv func(string) string // nil is os.Getenv
}

// NoHolder as [Options].HolderPID: no process follows the lease; it lives
// by its HeartbeatTTL alone.
const NoHolder = leases.NoProcess

// Defaults for settings nobody set.
const (
	DefaultLinger      = resolve.DefaultLinger
	DefaultWaitTimeout = lifecycle.DefaultWaitTimeout
)

// Modes of an environment ([Env.Mode]).
const (
	ModeShared    = plan.ModeShared
	ModeDedicated = plan.ModeDedicated
)

// request is which environment o describes.
func (o Options) request() resolve.Request {
	return resolve.Request{Files: o.Files, WorkingDir: o.WorkingDir, ProjectName: o.ProjectName,
		Dedicated: o.Dedicated, Production: o.Production, WaitTimeout: o.WaitTimeout, Linger: o.Linger,
		WaitForMemory: o.WaitForMemory}
}

// acquisition is how o wants its environment held.
func (o Options) acquisition() acquire.Options {
	return acquire.Options{HolderPID: o.HolderPID, Keeper: o.Keeper, HeartbeatTTL: o.HeartbeatTTL, Progress: o.Progress,
		Refill: o.Refill}
}
