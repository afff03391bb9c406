package compose

import (
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

// Pull policies ([PullPolicy.Mode]), as the compose spec names them.
const (
	PullMissing = "missing" // pull when absent (default; "if_not_present" too)
	PullAlways  = "always"  // pull whenever the environment is created
	PullNever   = "never"   // never pull: the image must be there
	PullBuild   = "build"   // build it: never pulled
	PullRefresh = "refresh" // pull when absent or older than Every (daily, weekly, every_<d>)
)

// PullPolicy is when a service's image is pulled.
type PullPolicy struct {
	Mode  string        // one of the Pull* constants
	Every time.Duration // for PullRefresh: how old a pull may be
}

// pullPolicy reads the service's pull_policy.
func pullPolicy(s types.ServiceConfig, locs *locations) (PullPolicy, error) {
	mode, every, err := s.GetPullPolicy()
	if err != nil {
		return PullPolicy{}, locs.errorf("services."+s.Name+".pull_policy", "%v (want missing, always, never, build, daily, weekly or every_<duration>)", err)
	}
	switch mode {
	case types.PullPolicyIfNotPresent:
		mode = PullMissing
	case PullBuild:
		if s.Build == nil {
			return PullPolicy{}, locs.errorf("services."+s.Name+".pull_policy", "build needs a build section")
		}
	case PullRefresh:
		if every <= 0 {
			return PullPolicy{}, locs.errorf("services."+s.Name+".pull_policy", "refresh needs a period (daily, weekly or every_<duration>)")
		}
	}
	return PullPolicy{Mode: mode, Every: every}, nil
}
