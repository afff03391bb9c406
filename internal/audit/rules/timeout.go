package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// stopping are the subcommands whose -t / --time / --timeout is the stop
// grace period.
var stopping = map[string]bool{"stop": true, "restart": true, "compose down": true, "compose stop": true,
	"compose restart": true, "compose up": true, "compose rm": true}

func zeroTimeoutCmd(x dockerFact) []Finding {
	if !stopping[x.d.Sub] {
		return nil
	}
	v, ok := x.d.value("t", "time", "timeout")
	if !ok || !isZero(v) {
		return nil
	}
	return []Finding{found(ZeroStopTimeout, x.cmd.Loc, fmt.Sprintf("docker %s with a stop timeout of 0 kills the containers without a grace period", x.d.Sub))}
}

func zeroTimeoutCall(c fact.Call) []Finding {
	if c.Lang != "python" || !c.SDK || (c.Method != "stop" && c.Method != "restart" && c.Method != "stop_container") ||
		!isZero(c.Options["timeout"]) {
		return nil
	}
	return []Finding{found(ZeroStopTimeout, c.Loc, fmt.Sprintf("%s(timeout=0) kills the container without a grace period", c.Method))}
}

// isZero reports a zero count of seconds or a zero duration ("0", "0s").
func isZero(v string) bool {
	v = strings.TrimSpace(v)
	if v == "0" || v == "0.0" {
		return true
	}
	d, err := time.ParseDuration(v)
	return err == nil && d == 0
}

// noTimeoutCmd: a docker command run by a process call that has no
// timeout.
func noTimeoutCmd(x dockerFact) []Finding {
	if x.cmd.Timeout != fact.TimeoutNone {
		return nil
	}
	return []Finding{found(NoTimeout, x.cmd.Loc, fmt.Sprintf("docker %s runs without a timeout: a daemon that stops answering hangs the test run", x.d.Sub))}
}
