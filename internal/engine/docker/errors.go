package docker

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errhttp"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// wrap returns err as an [engine.Error] for op, with the kind [classify]
// finds. The original error, and so its text, stays inside. nil gives nil.
func wrap(op engine.Op, err error) error {
	if err == nil {
		return nil
	}
	return engine.Wrap(op, classify(err), err)
}

// messageRules classify daemon answers by their text, before their HTTP
// status: the daemon reports these with a status that would mislead.
// Read-only after package initialisation.
var messageRules = []struct {
	re   *regexp.Regexp
	kind error
}{
	// Two networks of one name (racing creators): retry by ID after a re-list.
	{regexp.MustCompile(`(?i)is ambiguous`), engine.ErrTransient},
	// "removal of container X is already in progress" (409) and friends.
	{regexp.MustCompile(`(?i)already in progress`), engine.ErrTransient},
	// "a disk usage operation is already running" (409): another client's
	// docker system df; the daemon runs one at a time.
	{regexp.MustCompile(`(?i)operation is already running`), engine.ErrTransient},
	// "device or resource busy", "daemon is busy"; not "busybox".
	{regexp.MustCompile(`(?i)\bbusy\b`), engine.ErrTransient},
	// Port conflicts come back as 500 on some daemons; retrying will not help.
	{regexp.MustCompile(`(?i)port is already allocated|address already in use`), engine.ErrConflict},
	// Removing a network with attached containers: 403 on Docker 20.10.
	{regexp.MustCompile(`(?i)has active endpoints`), engine.ErrConflict},
}

// classify maps an SDK error to an engine kind sentinel, or nil when the
// kind is unknown. Context cancellation is the caller's doing, not the
// daemon's, so it gets no kind (errors.Is(err, context.Canceled) still works).
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil
	case client.IsErrConnectionFailed(err):
		return engine.ErrUnavailable
	}
	for _, kind := range []error{engine.ErrNotFound, engine.ErrConflict, engine.ErrInvalid,
		engine.ErrUnavailable, engine.ErrTransient} {
		if errors.Is(err, kind) { // already classified by this package
			return kind
		}
	}
	msg := err.Error()
	for _, r := range messageRules {
		if r.re.MatchString(msg) {
			return r.kind
		}
	}
	if kind, ok := kindFromErrdefs(err); ok {
		return kind
	}
	if status, ok := unclassifiedStatus(err); ok {
		if status >= 500 {
			return engine.ErrTransient
		}
		return engine.ErrInvalid
	}
	if isNetFailure(err) {
		return engine.ErrUnavailable
	}
	return nil
}

// kindFromErrdefs maps the errdefs class the SDK gives daemon answers (from
// their HTTP status) to an engine kind.
func kindFromErrdefs(err error) (error, bool) {
	switch {
	case cerrdefs.IsNotFound(err):
		return engine.ErrNotFound, true
	case cerrdefs.IsConflict(err), cerrdefs.IsAlreadyExists(err), cerrdefs.IsFailedPrecondition(err):
		return engine.ErrConflict, true
	case cerrdefs.IsInvalidArgument(err), cerrdefs.IsNotImplemented(err),
		cerrdefs.IsPermissionDenied(err), cerrdefs.IsUnauthorized(err), cerrdefs.IsOutOfRange(err):
		return engine.ErrInvalid, true
	case cerrdefs.IsUnavailable(err):
		return engine.ErrUnavailable, true
	case cerrdefs.IsInternal(err), cerrdefs.IsResourceExhausted(err),
		cerrdefs.IsAborted(err), cerrdefs.IsUnknown(err):
		// 5xx, 429 and statuses errdefs has no class for (502, 504...).
		return engine.ErrTransient, true
	}
	return nil, false
}

// unclassifiedStatus finds the HTTP status of a daemon answer that errdefs
// has no class for (405, 413, 502, 504...). The SDK keeps such a status only
// as an "unexpected status" value it compares equal to, so probe for it.
func unclassifiedStatus(err error) (int, bool) {
	for status := 400; status < 600; status++ {
		if errors.Is(err, errhttp.ToNative(status)) {
			return status, true
		}
	}
	return 0, false
}

// isNetFailure reports transport failures the SDK did not already mark as
// "connection failed": refused or reset connections, a missing unix socket,
// timeouts, a connection closed mid-answer (or a stream such as events
// closed by the daemon).
func isNetFailure(err error) bool {
	for _, target := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE,
		syscall.ENOENT, io.ErrUnexpectedEOF, io.EOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"connection refused", "connection reset", "broken pipe",
		"actively refused", "cannot connect to the docker daemon"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
