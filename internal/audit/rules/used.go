package rules

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// Candidate is a YAML file of the repository that may be a compose file
// tests use.
type Candidate struct {
	Path string // slash-separated, relative to the root
	Test bool   // under a test directory
}

// defaultNames are the files docker compose reads without -f.
var defaultNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// testish matches a compose file name that says it is for tests.
var testish = regexp.MustCompile(`(^|[._-])(test|tests|testing|e2e|it|ci|integration)([._-]|$)`)

// UsedCompose picks the compose files tests use, with the reason for
// each: named by a docker compose -f in a script, CI file or test (or
// found as its default file); named in code (a string literal, outside
// testdata/); or named like a compose file and kept under a test
// directory or named for tests. Files under testdata/ are fixtures (Go's
// convention) unless a compose command starts them. Pure.
func UsedCompose(cands []Candidate, f fact.Facts) map[string]string {
	byPath := map[string]bool{}
	for _, c := range cands {
		byPath[c.Path] = true
	}
	used := map[string]string{}
	use := func(p, why string) {
		if _, ok := used[p]; !ok && byPath[p] {
			used[p] = why
		}
	}
	for _, x := range parsed(f.Commands) {
		if !strings.HasPrefix(x.d.Sub, "compose ") {
			continue
		}
		dir := path.Dir(x.cmd.Loc.File)
		for _, file := range x.d.Files {
			for _, p := range resolve(file, dir, cands) {
				use(p, fmt.Sprintf("started by docker compose -f at %s", x.cmd.Loc))
			}
		}
		if len(x.d.Files) == 0 {
			for _, n := range defaultNames {
				use(path.Join(dir, n), fmt.Sprintf("the default file of docker compose at %s", x.cmd.Loc))
				use(n, fmt.Sprintf("the default file of docker compose at %s", x.cmd.Loc))
			}
		}
	}
	for _, r := range f.Refs {
		for _, p := range resolve(r.Path, path.Dir(r.Loc.File), cands) {
			if !inTestdata(p) {
				use(p, fmt.Sprintf("named at %s", r.Loc))
			}
		}
	}
	for _, c := range cands {
		base := strings.ToLower(path.Base(c.Path))
		if !fact.IsComposeName(c.Path) || inTestdata(c.Path) {
			continue
		}
		switch {
		case c.Test:
			use(c.Path, "a compose file in a test directory")
		case testish.MatchString(strings.TrimSuffix(strings.TrimSuffix(base, ".yml"), ".yaml")):
			use(c.Path, "a compose file named for tests")
		}
	}
	return used
}

// resolve finds the candidates a mention of p from directory dir means:
// p relative to dir, p relative to the root, or, failing both, every
// candidate whose path ends with p.
func resolve(p, dir string, cands []Candidate) []string {
	if !fact.Known(p) || p == "" {
		return nil
	}
	p = path.Clean(strings.ReplaceAll(p, `\`, "/"))
	for _, try := range []string{path.Join(dir, p), strings.TrimPrefix(p, "./")} {
		for _, c := range cands {
			if c.Path == try {
				return []string{c.Path}
			}
		}
	}
	var out []string
	suffix := "/" + strings.TrimLeft(strings.TrimPrefix(p, "./"), "./")
	for _, c := range cands {
		if strings.HasSuffix("/"+c.Path, suffix) {
			out = append(out, c.Path)
		}
	}
	return out
}

func inTestdata(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/")
}
