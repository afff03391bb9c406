package rules

import (
	"github.com/berth-dev/berth/internal/audit/fact"
)

// Evaluate judges the facts of a repository and returns the findings,
// most severe first (see [Finding] for the order), without snippets.
// f.Compose must hold only the compose files tests use. It is pure.
func Evaluate(f fact.Facts) []Finding {
	var out []Finding
	docker := parsed(f.Commands)
	out = append(out, commandRules(docker)...)
	out = append(out, callRules(f.Calls)...)
	out = append(out, stopThenRemove(docker, f.Calls)...)
	out = append(out, composeRules(f.Compose)...)
	out = append(out, parallelFixedProject(f, docker)...)
	return sortFindings(out)
}

// dockerFact is a command that runs docker, understood.
type dockerFact struct {
	cmd fact.Command
	d   dockerCmd
}

// parsed keeps the commands that are docker commands.
func parsed(cmds []fact.Command) []dockerFact {
	var out []dockerFact
	for _, c := range cmds {
		if d, ok := parseDocker(c.Args); ok {
			out = append(out, dockerFact{c, d})
		}
	}
	return out
}

// commandRules applies the rules that judge one docker command alone.
func commandRules(docker []dockerFact) []Finding {
	var out []Finding
	for _, x := range docker {
		out = append(out, forcedRemovalCmd(x)...)
		out = append(out, globalPruneCmd(x)...)
		out = append(out, restartLoopCmd(x)...)
		out = append(out, zeroTimeoutCmd(x)...)
		out = append(out, noTimeoutCmd(x)...)
	}
	return out
}

// callRules applies the rules that judge one SDK call alone.
func callRules(calls []fact.Call) []Finding {
	var out []Finding
	for _, c := range calls {
		out = append(out, forcedRemovalCall(c)...)
		out = append(out, globalPruneCall(c)...)
		out = append(out, restartLoopCall(c)...)
		out = append(out, zeroTimeoutCall(c)...)
	}
	return out
}
