package acquire

import (
	"slices"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// Decision is what acquire does with the environment it finds.
type Decision int

// Decisions of [Decide].
const (
	// Create: nothing of the environment exists.
	Create Decision = iota
	// Reuse: every planned service is ready; lease it as it is.
	Reuse
	// Wait: it is not ready but in use, and every service still runs (or
	// is being restarted by the engine): wait for it to recover.
	Wait
	// Refuse: it is not ready, in use, and a service is gone or exited: it
	// will not recover by itself, and it is never recreated under live
	// leases (berth restart repairs a service in place).
	Refuse
	// Recreate: it is not ready and nobody uses it: tear it down and
	// create it again.
	Recreate
)

func (d Decision) String() string {
	return [...]string{"create", "reuse", "wait", "refuse", "recreate"}[d]
}

// Decide is the reuse rule: what to do with environment st (as found on
// the daemon) for plan p, given how many live leases it has. why says
// what is wrong when it is not ready.
func Decide(st lifecycle.EnvStatus, p *plan.Plan, live int) (d Decision, why string) {
	if len(st.Services) == 0 {
		return Create, ""
	}
	ok, why := st.Healthy(p)
	switch {
	case ok:
		return Reuse, ""
	case live == 0:
		return Recreate, why
	case recoverable(st, p):
		return Wait, why
	}
	return Refuse, why
}

// recoverable reports whether every planned service has a container that
// runs (or is being restarted by the engine): only then can waiting help.
func recoverable(st lifecycle.EnvStatus, p *plan.Plan) bool {
	for name := range p.Services {
		i := slices.IndexFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name })
		if i < 0 || (st.Services[i].State != "running" && st.Services[i].State != "restarting") {
			return false
		}
	}
	return true
}
