package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/connect"
)

// Exit codes (documented in README.md).
const (
	ExitOK             = 0
	ExitFailure        = 1 // the command failed; doctor: warnings
	ExitBadInput       = 2 // refused before any Docker call; doctor: daemon unreachable
	ExitNotReady       = 3 // the environment did not come up (a service failed or timed out, an image could not be pulled or built)
	ExitRestartRefused = 4 // berth restart refused by the restart limits (cooldown, attempts)
	ExitNoMemory       = 5 // admission refused: the environment's memory limits do not fit
	ExitSignal         = 130
)

// ExitError carries a specific exit code; its message may be empty when
// the command already printed what happened.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks bad input found by the command line parser.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// runFailure marks an error returned by a command's own work, as opposed
// to one cobra raised while parsing (which is bad input).
type runFailure struct{ err error }

func (e runFailure) Error() string { return e.err.Error() }
func (e runFailure) Unwrap() error { return e.err }

// ExitCode maps an error from Run to the process exit code.
func ExitCode(err error) int {
	var ee *ExitError
	var se *config.SettingError
	var ce *connect.ClientError
	var ie *berth.InputError
	var nr *berth.NotReadyError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &se), errors.As(err, &ce), errors.As(err, &ie), errors.As(err, new(usageError)):
		return ExitBadInput
	case errors.Is(err, context.Canceled):
		return ExitSignal // before NotReady: an interrupted up is not a failed one
	case berth.StoreUnavailable(err):
		return ExitFailure // before NotReady: an up the store's outage interrupted is not a broken environment
	case errors.As(err, &nr), errors.As(err, new(*berth.PullError)):
		return ExitNotReady
	case errors.As(err, new(*berth.RestartRefusedError)):
		return ExitRestartRefused
	case errors.As(err, new(*berth.AdmissionError)):
		return ExitNoMemory
	case errors.As(err, new(runFailure)):
		return ExitFailure
	default:
		// cobra's own errors (unknown command, bad arguments) arrive here.
		return ExitBadInput
	}
}
