package pyscan

import (
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// xdist matches pytest-xdist's worker count option in addopts.
var xdist = regexp.MustCompile(`(?:^|[\s"'\[,])(?:-n\s*=?\s*|--numprocesses[= ]\s*)(\S+)`)

// Config finds pytest-xdist workers set in a pytest configuration file
// (pytest.ini, tox.ini, setup.cfg, pyproject.toml): an addopts line
// with -n N (N other than 0 and 1) or -n auto. Comment lines and inline
// comments are skipped.
func Config(path string, src []byte) []fact.Parallel {
	var out []fact.Parallel
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || !strings.HasPrefix(t, "addopts") {
			continue
		}
		for _, c := range []string{" #", " ;"} {
			if i := strings.Index(t, c); i >= 0 {
				t = t[:i] // an inline comment
			}
		}
		m := xdist.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		n := strings.Trim(m[1], `"',]`)
		if n == "0" || n == "1" {
			continue
		}
		out = append(out, fact.Parallel{Loc: fact.Loc{File: path, Line: i + 1, Col: 1}, What: "pytest-xdist workers (addopts -n " + n + ")"})
	}
	return out
}
