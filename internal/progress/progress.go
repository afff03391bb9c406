// Package progress shows per-service progress while an environment comes
// up: a live table on a terminal, one plain line per event otherwise
// (pipes, CI logs). Reporters are safe for concurrent use: the services of
// one dependency level report from parallel goroutines.
package progress

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
)

// Phase is where a service is on its way up.
type Phase string

// The phases, in the order a service normally goes through them.
const (
	Pulling  Phase = "pulling"  // its image is being pulled
	Pulled   Phase = "pulled"   // its image was pulled (berth pull ends here)
	Building Phase = "building" // its image is being built
	Creating Phase = "creating"
	Starting Phase = "starting"
	Waiting  Phase = "waiting" // started; waiting for health (or completion)
	Ready    Phase = "ready"
	// ReadyProbe: a service with a health check is ready because berth's
	// own run of its health check command passed (before the engine's
	// first probe).
	ReadyProbe Phase = "ready (probe)"
	// HealthyEngine: a service with a health check is ready because the
	// engine reported it healthy.
	HealthyEngine Phase = "healthy (engine)"
	Failed        Phase = "failed"
)

// Done reports whether p is a phase a service ends in successfully.
func (p Phase) Done() bool {
	return p == Ready || p == ReadyProbe || p == HealthyEngine || p == Pulled
}

// Reporter receives progress. d is how long the service has been on its
// way up when it enters phase (0 for the first phase).
type Reporter interface {
	Service(name string, phase Phase, d time.Duration)
}

// Nop is a Reporter that shows nothing.
type Nop struct{}

// Service does nothing.
func (Nop) Service(string, Phase, time.Duration) {}

// For returns the reporter for w: a live [TTY] when w is a terminal (and
// TERM is not "dumb"), [Plain] lines otherwise, and [Nop] when w is nil.
func For(w io.Writer) Reporter {
	if w == nil {
		return Nop{}
	}
	if f, ok := w.(interface{ Fd() uintptr }); ok && isTerminal(f.Fd()) && os.Getenv("TERM") != "dumb" {
		return NewTTY(w)
	}
	return NewPlain(w)
}

// OrNop returns r, or [Nop] when r is nil.
func OrNop(r Reporter) Reporter {
	if r == nil {
		return Nop{}
	}
	return r
}

func isTerminal(fd uintptr) bool {
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}
