package rules

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// project is a compose invocation whose project name is fixed.
type project struct {
	name string
	loc  fact.Loc
	how  string // "-p", "COMPOSE_PROJECT_NAME", "name: in FILE", "the directory name"
}

// parallelFixedProject reports every parallel test invocation when some
// compose invocation of the repository uses a fixed project name.
func parallelFixedProject(f fact.Facts, docker []dockerFact) []Finding {
	p, ok := fixedProject(f.Compose, docker)
	if !ok {
		return nil
	}
	msg := func(what string) string {
		return fmt.Sprintf("%s run in parallel, while docker compose at %s uses the fixed project name %s (%s): the runs share its containers and networks, and one run's down removes another's stack",
			what, p.loc, p.name, p.how)
	}
	var out []Finding
	for _, c := range f.Commands {
		if what, ok := parallelRun(c); ok {
			out = append(out, found(ParallelFixedProject, c.Loc, msg(what)))
		}
	}
	for _, par := range f.Parallel {
		out = append(out, found(ParallelFixedProject, par.Loc, msg(par.What)))
	}
	return out
}

// starting are the compose subcommands that bring a project up.
var starting = map[string]bool{"compose up": true, "compose run": true, "compose create": true, "compose start": true}

// fixedProject finds the first (by place) compose invocation that
// starts a project whose name is fixed: -p NAME, COMPOSE_PROJECT_NAME,
// the compose file's name:, or else the directory's name.
func fixedProject(files []fact.ComposeFile, docker []dockerFact) (project, bool) {
	var found []project
	for _, x := range docker {
		if !starting[x.d.Sub] {
			continue
		}
		env, hasEnv := x.cmd.Env["COMPOSE_PROJECT_NAME"]
		switch {
		case x.d.ProjectSet:
			if fact.Known(x.d.Project) {
				found = append(found, project{strconv.Quote(x.d.Project), x.cmd.Loc, "-p"})
			}
		case hasEnv:
			if fact.Known(env) && env != "" {
				found = append(found, project{strconv.Quote(env), x.cmd.Loc, "COMPOSE_PROJECT_NAME"})
			}
		default:
			found = append(found, defaultProject(files, x))
		}
	}
	if len(found) == 0 {
		return project{}, false
	}
	slices.SortFunc(found, func(a, b project) int {
		return cmp.Or(cmp.Compare(a.loc.File, b.loc.File), cmp.Compare(a.loc.Line, b.loc.Line))
	})
	return found[0], true
}

// defaultProject is the name compose gives a project started without -p
// or COMPOSE_PROJECT_NAME: its file's name:, or its directory's name.
func defaultProject(files []fact.ComposeFile, x dockerFact) project {
	for _, cf := range files {
		for _, f := range x.d.Files {
			if cf.Name != "" && (f == cf.Path || strings.HasSuffix(cf.Path, "/"+path.Clean(f))) {
				return project{strconv.Quote(cf.Name), x.cmd.Loc, "name: in " + cf.Path}
			}
		}
	}
	return project{"of its directory", x.cmd.Loc, "no -p and no COMPOSE_PROJECT_NAME: compose names the project after the directory"}
}

// parallelRun says how a command runs tests in parallel: pytest -n N,
// go test -p N, or a test run, script or compose up started in the
// background (&).
func parallelRun(c fact.Command) (string, bool) {
	a := unwrap(c.Args)
	if len(a) == 0 {
		return "", false
	}
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
	if c.Background && isRunner(a) {
		return "background jobs (&) of " + fact.Printable(strings.Join(a[:min(len(a), 3)], " ")), true
	}
	return "", false
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
