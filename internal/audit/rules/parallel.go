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

// parallelCommands finds the commands that run tests in parallel:
// pytest -n N, go test -p N, and test runs, repository scripts, make or
// compose up started in the background (&) more than once -- inside a
// loop, or twice or more in one file. One background job the script
// waits for runs alongside nothing of its own.
func parallelCommands(cmds []fact.Command) []parallel {
	var out []parallel
	background := map[string][]parallel{}
	looped := map[string]bool{}
	for _, c := range cmds {
		a := unwrap(c.Args)
		if len(a) == 0 {
			continue
		}
		if what, ok := parallelFlags(a); ok {
			out = append(out, parallel{loc: c.Loc, what: what})
			continue
		}
		if c.Background && isRunner(a) {
			p := parallel{loc: c.Loc, what: "background jobs (&) of " + fact.Printable(strings.Join(a[:min(len(a), 3)], " ")),
				script: scriptPath(a, c.Loc.File)}
			background[c.Loc.File] = append(background[c.Loc.File], p)
			looped[c.Loc.String()] = c.Ctx.Loop != nil
		}
	}
	for _, jobs := range background {
		for _, p := range jobs {
			if len(jobs) > 1 || looped[p.loc.String()] {
				out = append(out, p)
			}
		}
	}
	return out
}

// parallelFlags recognises pytest -n N (N not 0 or 1) and go test -p N
// (N > 1).
func parallelFlags(a []string) (string, bool) {
	if isPytest(a) {
		if n, ok := xdistWorkers(a); ok {
			return "pytest -n " + n + " workers", true
		}
	}
	if len(a) > 1 && path.Base(a[0]) == "go" && a[1] == "test" {
		if n, ok := optValue(a, "-p"); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 1 {
				return "go test -p " + n + " packages", true
			}
		}
	}
	return "", false
}

// scriptPath is the repository path of the script a command runs
// (./scripts/x.sh, bash scripts/x.sh), resolved from the repository root
// as CI and most runner scripts do; "" when it runs none.
func scriptPath(a []string, from string) string {
	p := a[0]
	if b := path.Base(p); (b == "sh" || b == "bash") && len(a) > 1 {
		p = a[1]
	}
	if !fact.Known(p) || !(strings.Contains(p, "/") || strings.HasSuffix(p, ".sh")) || strings.HasPrefix(p, "/") {
		return ""
	}
	return path.Clean(p)
}

func isPytest(a []string) bool {
	b := path.Base(a[0])
	return b == "pytest" || b == "py.test" ||
		(strings.HasPrefix(b, "python") && len(a) > 2 && a[1] == "-m" && (a[2] == "pytest" || a[2] == "py.test"))
}

// xdistWorkers finds -n N, -nN, -n=N or --numprocesses[=]N with N not 0
// or 1 (or unknown).
func xdistWorkers(a []string) (string, bool) {
	n, ok := optValue(a, "-n")
	if !ok {
		n, ok = optValue(a, "--numprocesses")
	}
	if !ok || n == "0" || n == "1" {
		return "", false
	}
	return fact.Printable(n), true
}

// optValue finds option name's value: "name V", "name=V", or for a
// short option "nameV".
func optValue(a []string, name string) (string, bool) {
	for i, w := range a {
		switch {
		case w == name && i+1 < len(a):
			return a[i+1], true
		case strings.HasPrefix(w, name+"="):
			return w[len(name)+1:], true
		case len(name) == 2 && strings.HasPrefix(w, name) && len(w) > 2:
			return w[2:], true
		}
	}
	return "", false
}

// isRunner reports a command that runs tests or a stack: a test runner,
// a script of the repository, make, or docker compose up/run.
func isRunner(a []string) bool {
	b := path.Base(a[0])
	switch {
	case isPytest(a), b == "tox", b == "nox", b == "make":
		return true
	case b == "go" && len(a) > 1 && a[1] == "test":
		return true
	case (b == "npm" || b == "yarn" || b == "pnpm") && len(a) > 1 && (a[1] == "test" || (a[1] == "run" && len(a) > 2 && strings.Contains(a[2], "test"))):
		return true
	case (b == "sh" || b == "bash") && len(a) > 1 && !strings.HasPrefix(a[1], "-"):
		return true
	case strings.HasSuffix(b, ".sh") || strings.HasPrefix(a[0], "./"):
		return true
	}
	if d, ok := parseDocker(a); ok {
		return starting[d.Sub]
	}
	return false
}
