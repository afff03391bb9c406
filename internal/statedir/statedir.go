// Package statedir locates berth's state on disk. Everything berth shares
// between processes of one daemon (slot locks, rate budget, later the
// store) lives in the daemon's directory, <base>/<daemon ID>; the circuit
// breaker, which must work before the daemon can say its ID, lives in
// <base>/endpoints/<endpoint>. $BERTH_STATE_DIR replaces both with itself.
// Directories are created with mode 0700.
package statedir

import (
	"fmt"
	"path/filepath"

	"github.com/berth-dev/berth/internal/lock"
)

// Layout resolves berth's directories.
type Layout struct {
	// Override is $BERTH_STATE_DIR; when set, every directory is this one.
	Override string
	// Base is the user's state directory + "berth"; used without Override.
	Base string
}

// New returns the layout for override ($BERTH_STATE_DIR, may be empty),
// falling back to the user's state directory.
func New(override string) (Layout, error) {
	if override != "" {
		abs, err := filepath.Abs(override)
		if err != nil {
			return Layout{}, fmt.Errorf("resolve BERTH_STATE_DIR: %w", err)
		}
		return Layout{Override: abs}, nil
	}
	base, err := userStateDir()
	if err != nil {
		return Layout{}, fmt.Errorf("find the user's state directory (set BERTH_STATE_DIR): %w", err)
	}
	return Layout{Base: filepath.Join(base, "berth")}, nil
}

// Daemon is the state directory of the daemon with the given ID.
func (l Layout) Daemon(daemonID string) string {
	if l.Override != "" {
		return l.Override
	}
	return filepath.Join(l.Base, lock.SafeName(daemonID))
}

// Endpoint is the directory of state kept per daemon endpoint (the breaker).
func (l Layout) Endpoint(endpoint string) string {
	if l.Override != "" {
		return l.Override
	}
	return filepath.Join(l.Base, "endpoints", lock.SafeName(endpoint))
}
