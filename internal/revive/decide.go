package revive

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// Stop timing: a daemon's shutdown stops its containers in parallel, each
// with its own signal and grace period, then kills it; so the exits of
// one shutdown lie within the longest grace of the stopped services
// (defaultGrace when none is set) plus shutdownSlack.
const (
	defaultGrace  = 10 * time.Second
	shutdownSlack = 5 * time.Second
)

// Verdict is [Decide]'s answer.
type Verdict struct {
	// Revive: every service that is down was stopped by a daemon restart;
	// start Services again.
	Revive bool
	// Services are the services to start again, sorted.
	Services []string
	// Why says why not (or, for a revival, what happened), for logs.
	Why string
}

// Decide is the rule for environment st with services (its plan's, or
// [plan.OrderFromLabels]'s): its containers were stopped by a daemon
// restart, and berth may start them again in place, when
//
//   - every service has a container, running or exited, and at least one
//     is down: exited (a job exited 0 is done, not down);
//   - every service that is down is a service's container stopped as the
//     daemon stops it: exit code 0 (a graceful exit on the stop signal),
//     143 (SIGTERM), 137 (SIGKILL after the grace period) or 128 + its
//     own stop signal; not OOM-killed; not a job;
//   - each exited before the daemon's current life began (boot; unknown
//     is no), and all within one shutdown of each other (the longest
//     grace period of them plus a slack) -- "at that moment".
//
// Anything else is no: the normal rules apply (recreate when unused,
// refuse under live leases, berth restart repairs a service).
func Decide(st lifecycle.EnvStatus, services map[string]plan.ServicePlan, boot Boot) Verdict {
	var down []lifecycle.ServiceStatus
	grace := time.Duration(0)
	for _, name := range slices.Sorted(maps.Keys(services)) {
		sp := services[name]
		i := slices.IndexFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name })
		if i < 0 {
			return Verdict{Why: "service " + name + " has no container"}
		}
		ss := st.Services[i]
		switch {
		case ss.State == "running":
			continue
		case ss.State != "exited":
			return Verdict{Why: "service " + name + " is " + ss.State} // created, dead, restarting: not a stop to undo
		case sp.Job && ss.ExitCode == 0:
			continue // a job that completed
		case sp.Job:
			return Verdict{Why: fmt.Sprintf("job %s exited with code %d", name, ss.ExitCode)}
		case ss.OOMKilled:
			return Verdict{Why: "service " + name + " was OOM-killed"}
		case !stopCode(ss.ExitCode, ss.StopSignal):
			return Verdict{Why: fmt.Sprintf("service %s exited with code %d, not as a stop ends it", name, ss.ExitCode)}
		}
		after, known := boot.Restarted(ss.ContainerID, ss.FinishedAt)
		switch {
		case !known:
			return Verdict{Why: "whether the daemon restarted since service " + name + " exited is unknown"}
		case !after:
			return Verdict{Why: "service " + name + " exited while the daemon ran"}
		}
		down = append(down, ss)
		grace = max(grace, cmp.Or(ss.StopGrace, defaultGrace))
	}
	if len(down) == 0 {
		return Verdict{Why: "no service was stopped"}
	}
	first, last := down[0].FinishedAt, down[0].FinishedAt
	names := make([]string, len(down))
	for i, ss := range down {
		first, last = minTime(first, ss.FinishedAt), maxTime(last, ss.FinishedAt)
		names[i] = ss.Service
	}
	if spread := last.Sub(first); spread > grace+shutdownSlack {
		return Verdict{Why: fmt.Sprintf("services %s exited %s apart, not in one shutdown", strings.Join(names, ", "), spread.Round(time.Second))}
	}
	return Verdict{Revive: true, Services: names,
		Why: fmt.Sprintf("services %s were stopped by a daemon restart", strings.Join(names, ", "))}
}

// stopCode reports whether code is how a stop ends a process with stop
// signal sig: 0 (it exited on the signal), 143 (SIGTERM), 137 (SIGKILL),
// or 128 + sig's number.
func stopCode(code int, sig string) bool {
	switch code {
	case 0, 128 + 9, 128 + 15:
		return true
	}
	n := signalNumber(sig)
	return n > 0 && code == 128+n
}

// signalNumber is the number of stop signal sig ("SIGQUIT", "QUIT" or
// "3"); 0 when unknown.
func signalNumber(sig string) int {
	if n, err := strconv.Atoi(sig); err == nil {
		return n
	}
	switch strings.TrimPrefix(strings.ToUpper(sig), "SIG") {
	case "HUP":
		return 1
	case "INT":
		return 2
	case "QUIT":
		return 3
	case "USR1":
		return 10
	case "USR2":
		return 12
	case "TERM":
		return 15
	case "WINCH":
		return 28
	}
	return 0
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
