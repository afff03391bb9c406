package rules

import (
	"path"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

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
