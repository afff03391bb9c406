// Package failure holds the error types berth's subsystems share and its
// public API re-exports (package berth aliases each one). The CLI maps
// them to exit codes.
package failure

import (
	"errors"
	"fmt"
	"strings"
)

// InputError is bad input found before any Docker call: a compose file
// berth cannot use (malformed, an unsupported key, an unknown dependency,
// a dependency cycle...), an unknown service, a bad setting. The CLI exits
// 2 on it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Input wraps err as an [*InputError]; nil stays nil.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// NotReadyError is an environment that did not come up: a service failed,
// turned unhealthy or did not get ready in time. What was created has been
// torn down. The CLI exits 3 on it.
type NotReadyError struct {
	EnvID string
	Err   error
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("environment %s did not come up: %v", e.EnvID, e.Err)
}
func (e *NotReadyError) Unwrap() error { return e.Err }

// ErrNoSuchEnv is returned for an environment berth does not know.
var ErrNoSuchEnv = errors.New("no such environment")

// ForeignError is an environment, or part of one, that another berth state
// directory made (its resources carry another dev.berth.state): berth left
// it alone (docs/design.md invariant 3), since its leases live in that
// directory's store, out of this one's sight.
type ForeignError struct {
	EnvID     string
	Owner     string   // the state labels found ("dev.berth.state=... dev.berth.state-id=...")
	Resources []string // what was left alone ("container demo-web-1", ...)
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("left %d resource(s) of environment %s alone (%s): they belong to another berth state directory "+
		"(%s: another user, host or BERTH_STATE_DIR), whose leases this one cannot see; take it down with the berth "+
		"that made it (its BERTH_STATE_DIR)", len(e.Resources), e.EnvID, strings.Join(e.Resources, ", "), e.Owner)
}
