package rules

import (
	"fmt"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// step is a stop or a remove, from a command or an SDK call.
type step struct {
	loc    fact.Loc
	ctx    fact.Context
	target string // "" when not known
	stop   bool
}

// stopThenRemove reports a removal that is the statement right after a
// stop of the same container (or of one whose name is not known).
func stopThenRemove(docker []dockerFact, calls []fact.Call) []Finding {
	var steps []step
	for _, x := range docker {
		switch {
		case x.d.Sub == "stop":
			steps = append(steps, step{x.cmd.Loc, x.cmd.Ctx, target(x.d.Args), true})
		case removesCmd(x):
			steps = append(steps, step{x.cmd.Loc, x.cmd.Ctx, target(x.d.Args), false})
		}
	}
	for _, c := range calls {
		switch {
		case c.SDK && (c.Method == "stop" || c.Method == "stop_container" || c.Method == "ContainerStop" || c.Method == "StopContainer"):
			steps = append(steps, step{c.Loc, c.Ctx, c.Target, true})
		case removesCall(c):
			steps = append(steps, step{c.Loc, c.Ctx, c.Target, false})
		}
	}
	var out []Finding
	for _, rm := range steps {
		if rm.stop {
			continue
		}
		for _, st := range steps {
			if !st.stop || !fact.Adjacent(st.ctx, rm.ctx, st.loc.File, rm.loc.File) {
				continue
			}
			if st.target != "" && rm.target != "" && st.target != rm.target {
				continue
			}
			out = append(out, found(StopThenRemove, rm.loc,
				fmt.Sprintf("removed right after the stop at line %d, with nothing checking that the container stopped", st.loc.Line)))
			break
		}
	}
	return out
}

// target is the first argument when it is known.
func target(args []string) string {
	if len(args) == 0 || !fact.Known(args[0]) {
		return ""
	}
	return args[0]
}
