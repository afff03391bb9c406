package lifecycle

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotOwned marks a refusal to mutate a resource that does not carry
// berth's labels (docs/design.md invariant 3).
var ErrNotOwned = errors.New("not a berth resource")

// NotStoppedError reports a container that was still running after its
// stop signal, its grace period, the kill and the verification margin.
// berth left it in place (it never force-removes); `berth gc` retries it.
type NotStoppedError struct {
	ID     string
	Name   string
	Waited time.Duration // from the stop request to giving up
	// Err is why the stop request itself failed, or nil when the daemon
	// accepted it and the container still kept running.
	Err error
}

func (e *NotStoppedError) Error() string {
	msg := fmt.Sprintf("container %s (%s) would not stop after %s; left in place for `berth gc` (berth never force-removes)",
		e.Name, shortID(e.ID), e.Waited.Round(time.Millisecond))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *NotStoppedError) Unwrap() error { return e.Err }

// NetworkInUseError reports a network that still has containers attached
// that berth may not detach: running ones (the environment is still in
// use) or ones berth does not own.
type NetworkInUseError struct {
	ID      string
	Name    string
	Running []string // attached running berth containers (names)
	Foreign []string // attached containers berth does not own (names or IDs)
	Err     error    // the daemon's refusal, when it came from the daemon
}

func (e *NetworkInUseError) Error() string {
	var parts []string
	if len(e.Running) > 0 {
		parts = append(parts, "running: "+strings.Join(e.Running, ", "))
	}
	if len(e.Foreign) > 0 {
		parts = append(parts, "not berth's: "+strings.Join(e.Foreign, ", "))
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	return fmt.Sprintf("network %s (%s) is in use (%s); stop its containers first",
		e.Name, shortID(e.ID), strings.Join(parts, "; "))
}

func (e *NetworkInUseError) Unwrap() error { return e.Err }

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
