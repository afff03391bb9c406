package rules

import (
	"fmt"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// runaway reports whether l is a loop that neither stops nor waits.
func runaway(l *fact.Loop) bool { return l != nil && !l.Bounded && !l.Delay }

func restartLoopCmd(x dockerFact) []Finding {
	if (x.d.Sub != "restart" && x.d.Sub != "compose restart") || !runaway(x.cmd.Ctx.Loop) {
		return nil
	}
	return []Finding{found(RestartLoop, x.cmd.Loc, fmt.Sprintf("docker %s in a loop (%s) with no limit and no delay", x.d.Sub, x.cmd.Ctx.Loop.Loc))}
}

func restartLoopCall(c fact.Call) []Finding {
	switch c.Method {
	case "restart", "ContainerRestart", "RestartContainer":
	default:
		return nil
	}
	if !c.SDK || !runaway(c.Ctx.Loop) {
		return nil
	}
	return []Finding{found(RestartLoop, c.Loc, fmt.Sprintf("%s in a loop (%s) with no limit and no delay", c.Method, c.Ctx.Loop.Loc))}
}
