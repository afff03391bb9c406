package lifecycle

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
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

// foreignTo describes the state labels of got when they name another state
// than want's labels (a resource another berth state directory made, of the
// same name), and is "" when got is want's state's, or either names none.
func foreignTo(want, got map[string]string) string {
	id, ok := labels.IdentityOf(want)
	if !ok {
		return ""
	}
	return id.Foreign(got)
}

// planState is the state plan p's resources are stamped with, or nil.
func planState(p *plan.Plan) *labels.Identity {
	for _, s := range p.Services {
		if id, ok := labels.IdentityOf(s.Spec.Labels); ok {
			return &id
		}
	}
	for _, n := range p.Networks {
		if id, ok := labels.IdentityOf(n.Spec.Labels); ok {
			return &id
		}
	}
	return nil
}
