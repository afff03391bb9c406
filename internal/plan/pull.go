package plan

import (
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/compose"
)

// PullPlan is an image that must be on the daemon before anything of the
// environment is created, and when to pull it.
type PullPlan struct {
	Image    string
	Policy   compose.PullPolicy
	Platform string   // "" = the daemon's
	Services []string // the services that run it, sorted
}

// pulls plans the images of the services that are not built: one per
// image and platform. When services of one image ask for different
// policies, the most eager wins: always, then refresh (the shortest
// period), then missing, then never.
func pulls(services []compose.Service) []PullPlan {
	var out []PullPlan
	for _, s := range services {
		if s.Build != nil || s.Image == "" {
			continue
		}
		i := slices.IndexFunc(out, func(p PullPlan) bool { return p.Image == s.Image && p.Platform == s.Platform })
		if i < 0 {
			out = append(out, PullPlan{Image: s.Image, Policy: s.Pull, Platform: s.Platform})
			i = len(out) - 1
		}
		out[i].Services = append(out[i].Services, s.Name)
		out[i].Policy = eager(out[i].Policy, s.Pull)
	}
	for i := range out {
		slices.Sort(out[i].Services)
	}
	sortByKey(out, func(p PullPlan) string { return p.Image })
	return out
}

// eager returns the more eager of two policies.
func eager(a, b compose.PullPolicy) compose.PullPolicy {
	rank := func(p compose.PullPolicy) (int, time.Duration) {
		switch p.Mode {
		case compose.PullAlways:
			return 3, 0
		case compose.PullRefresh:
			return 2, -p.Every // a shorter period is more eager
		case compose.PullNever:
			return 0, 0
		}
		return 1, 0
	}
	ra, ea := rank(a)
	rb, eb := rank(b)
	if rb > ra || (rb == ra && eb > ea) {
		return b
	}
	return a
}
