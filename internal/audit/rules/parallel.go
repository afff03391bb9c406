package rules

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// project is a compose invocation whose project name is fixed.
type project struct {
	name string
	cmd  fact.Command
	how  string // "-p", "COMPOSE_PROJECT_NAME", "name: in FILE", or the directory default
}

// parallel is a parallel test invocation: where it is, what it is, and
// the repository script it runs, if any.
type parallel struct {
	loc    fact.Loc
	what   string
	script string
}

// parallelFixedProject reports a parallel test invocation when a compose
// project it brings up has a fixed name. The projects it brings up are
// those started in its own file, in the script it runs (./scripts/x.sh &),
// and in test code (a conftest fixture, a Go test helper): a compose file
// started by an unrelated script (a benchmark) is not one of them.
func parallelFixedProject(f fact.Facts, docker []dockerFact) []Finding {
	projects := fixedProjects(f.Compose, docker)
	if len(projects) == 0 {
		return nil
	}
	runs := parallelCommands(f.Commands)
	for _, p := range f.Parallel {
		runs = append(runs, parallel{loc: p.Loc, what: p.What})
	}
	var out []Finding
	for _, r := range runs {
		p, ok := projectOf(r, projects)
		if !ok {
			continue
		}
		out = append(out, found(ParallelFixedProject, r.loc, fmt.Sprintf(
			"%s run in parallel, while docker compose at %s starts the fixed project %s (%s): the runs share its containers and networks, and one run's down removes another's stack",
			r.what, p.cmd.Loc, p.name, p.how)))
	}
	return out
}

// projectOf picks the first fixed project r brings up: in its file, in
// the script it runs, or in test code.
func projectOf(r parallel, projects []project) (project, bool) {
	for _, match := range []func(p project) bool{
		func(p project) bool { return p.cmd.Loc.File == r.loc.File },
		func(p project) bool { return r.script != "" && p.cmd.Loc.File == r.script },
		func(p project) bool { return p.cmd.Ctx.Test },
	} {
		for _, p := range projects {
			if match(p) {
				return p, true
			}
		}
	}
	return project{}, false
}

// starting are the compose subcommands that bring a project up.
var starting = map[string]bool{"compose up": true, "compose run": true, "compose create": true, "compose start": true}

// fixedProjects lists the compose invocations that start a project
// whose name is fixed: -p NAME, COMPOSE_PROJECT_NAME, the compose file's
// name:, or else the directory's name. A name with an unknown part
// (-p "it-$RUN_ID") varies per run and is not fixed.
func fixedProjects(files []fact.ComposeFile, docker []dockerFact) []project {
	var out []project
	for _, x := range docker {
		if !starting[x.d.Sub] {
			continue
		}
		env, hasEnv := x.cmd.Env["COMPOSE_PROJECT_NAME"]
		switch {
		case x.d.ProjectSet:
			if fact.Known(x.d.Project) {
				out = append(out, project{strconv.Quote(x.d.Project), x.cmd, "-p"})
			}
		case hasEnv:
			if fact.Known(env) && env != "" {
				out = append(out, project{strconv.Quote(env), x.cmd, "COMPOSE_PROJECT_NAME"})
			}
		default:
			out = append(out, defaultProject(files, x))
		}
	}
	return out
}

// defaultProject is the name compose gives a project started without -p
// or COMPOSE_PROJECT_NAME: its file's name:, or its directory's name.
func defaultProject(files []fact.ComposeFile, x dockerFact) project {
	for _, cf := range files {
		for _, f := range x.d.Files {
			if cf.Name != "" && (f == cf.Path || strings.HasSuffix(cf.Path, "/"+path.Clean(f))) {
				return project{strconv.Quote(cf.Name), x.cmd, "name: in " + cf.Path}
			}
		}
	}
	return project{"named after its directory", x.cmd, "no -p and no COMPOSE_PROJECT_NAME"}
}
