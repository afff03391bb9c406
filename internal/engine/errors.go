package engine

import (
	"errors"
	"fmt"
)

// Kind sentinels. An Engine error wraps exactly one of them when its kind is
// known; test with errors.Is.
var (
	// ErrNotFound: the object does not exist. Permanent.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request conflicts with the object's state (removing a
	// running container, a name in use, a network with endpoints). Permanent.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the daemon rejected the request as malformed. Permanent.
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: the daemon could not be reached or answered that it is
	// unavailable. Transient, and counted by the circuit breaker.
	ErrUnavailable = errors.New("daemon unavailable")
	// ErrTransient: the daemon answered but the failure is worth a retry
	// (5xx, "network is ambiguous", an operation already in progress).
	ErrTransient = errors.New("transient daemon error")
	// ErrAuth: a registry refused the credentials, or wanted some and got
	// none. Permanent: the same credentials will not do better.
	ErrAuth = errors.New("registry authentication failed")
)

// Error is an Engine failure: the operation, its kind sentinel (nil when
// unknown) and the underlying error.
type Error struct {
	Op   Op
	Kind error
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// Wrap returns err as an *Error for op with the given kind. A nil err gives nil.
func Wrap(op Op, kind error, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Kind: kind, Err: err}
}

// Retryable reports whether err is worth retrying: ErrUnavailable or
// ErrTransient.
func Retryable(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTransient)
}
