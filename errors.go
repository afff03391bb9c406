package berth

import (
	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/restart"
)

// InputError is bad input found before any Docker call: a compose file
// berth cannot use (malformed, an unsupported key, an unknown dependency,
// a dependency cycle...), an unknown service, a bad setting. The CLI exits
// 2 on it.
type InputError = failure.InputError

// NotReadyError is an environment that did not come up: a service failed,
// turned unhealthy or did not get ready in time, or it is in use and not
// healthy. What was created has been torn down. The CLI exits 3 on it.
type NotReadyError = failure.NotReadyError

// AdmissionError refuses to create an environment whose memory limits do
// not fit in what the daemon has left. Nothing was created. The CLI exits
// 5 on it.
type AdmissionError = acquire.AdmissionError

// RestartRefusedError is a restart the limits refused: cooldown, attempts
// per window, or the breaker of a service that keeps dying. The CLI exits
// 4 on it.
type RestartRefusedError = restart.RefusedError

// ForeignError is an environment, or part of one, that another berth state
// directory made: berth left it alone (a release's or down --now's
// teardown says so with this error).
type ForeignError = failure.ForeignError

// ErrNoSuchEnv is returned for an environment berth does not know.
var ErrNoSuchEnv = failure.ErrNoSuchEnv
