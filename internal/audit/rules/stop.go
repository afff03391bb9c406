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
	// call is set for SDK calls, recv their receiver: a stop and a
	// remove pair up only on the same object (c.stop(); c.remove()).
	call bool
	recv string
}

// pairs reports whether rm removes what st stopped, right after it.
func pairs(st, rm step) bool {
	if !st.stop || rm.stop || !fact.Adjacent(st.ctx, rm.ctx, st.loc.File, rm.loc.File) || st.call != rm.call {
		return false
	}
	if st.call && (st.recv != rm.recv || st.target != rm.target) {
		return false
	}
	return st.target == "" || rm.target == "" || st.target == rm.target
}

// stopThenRemove reports a removal that is the statement right after a
// stop of the same container: for commands, the same name (or one not
// known); for SDK calls, the same receiver and argument.
func stopThenRemove(docker []dockerFact, calls []fact.Call) []Finding {
	var steps []step
	for _, x := range docker {
		switch {
		case x.d.Sub == "stop":
			steps = append(steps, step{loc: x.cmd.Loc, ctx: x.cmd.Ctx, target: target(x.d.Args), stop: true})
		case removesCmd(x):
			steps = append(steps, step{loc: x.cmd.Loc, ctx: x.cmd.Ctx, target: target(x.d.Args)})
		}
	}
	for _, c := range calls {
		switch {
		case c.SDK && (c.Method == "stop" || c.Method == "stop_container" || c.Method == "ContainerStop" || c.Method == "StopContainer"):
			steps = append(steps, step{c.Loc, c.Ctx, c.Target, true, true, c.Receiver})
		case removesCall(c):
			steps = append(steps, step{c.Loc, c.Ctx, c.Target, false, true, c.Receiver})
		}
	}
	var out []Finding
	for _, rm := range steps {
		if rm.stop {
			continue
		}
		for _, st := range steps {
			if !pairs(st, rm) {
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
