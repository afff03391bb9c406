package lifecycle

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// ignorer applies a .dockerignore file the way the docker CLI does: the
// last pattern that matches a path (or one of its parent directories)
// decides; "!" negates; "*" and "?" stay within one path element, "**"
// spans any number of them.
type ignorer struct {
	rules []ignoreRule
	keep  map[string]bool // always sent: .dockerignore and the Dockerfile
	// negations: some rule re-includes, or the Dockerfile is in a
	// subdirectory, so excluded directories must still be walked.
	negations bool
}

type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// readDockerignore reads dir/.dockerignore (none: nothing is excluded).
// The Dockerfile and .dockerignore itself are always kept.
func readDockerignore(dir, dockerfile string) (*ignorer, error) {
	ig := &ignorer{keep: map[string]bool{".dockerignore": true, dockerfile: true}, negations: strings.Contains(dockerfile, "/")}
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return ig, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	for _, l := range lines {
		if err := ig.add(l); err != nil {
			return nil, fmt.Errorf("read .dockerignore: pattern %q: %w", l, err)
		}
	}
	return ig, nil
}

// add compiles one line of the file.
func (ig *ignorer) add(line string) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	r := ignoreRule{}
	if strings.HasPrefix(line, "!") {
		r.negate, ig.negations = true, true
		line = strings.TrimSpace(line[1:])
	}
	line = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(line)), "/")
	if line == "" {
		return nil
	}
	re, err := regexp.Compile("^" + patternRegexp(line) + "$")
	if err != nil {
		return err
	}
	r.re = re
	ig.rules = append(ig.rules, r)
	return nil
}

// excluded reports whether slash path rel is excluded.
func (ig *ignorer) excluded(rel string) bool {
	if ig.keep[rel] {
		return false
	}
	out := false
	for _, r := range ig.rules {
		if r.matches(rel) {
			out = !r.negate
		}
	}
	return out
}

// matches reports whether the rule matches rel or a parent directory of it.
func (r ignoreRule) matches(rel string) bool {
	for p := rel; ; {
		if r.re.MatchString(p) {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// patternRegexp translates a glob pattern to a regular expression.
func patternRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			i++
			if i+1 < len(p) && p[i+1] == '/' {
				i++
				b.WriteString("(.*/)?") // "**/" : zero or more directories
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := p[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
