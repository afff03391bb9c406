package ignore

import (
	"path"
	"regexp"
	"strings"
)

// Matcher holds the patterns of one .gitignore file.
type Matcher struct {
	// Dir is the slash-separated directory of the file, relative to the
	// repository root ("" for the root).
	Dir      string
	patterns []pattern
}

type pattern struct {
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// Parse reads the patterns of the .gitignore in directory dir
// (slash-separated, relative to the root). Lines that do not compile
// are skipped.
func Parse(dir string, src []byte) *Matcher {
	m := &Matcher{Dir: strings.Trim(dir, "/")}
	for _, line := range strings.Split(string(src), "\n") {
		if p, ok := parseLine(strings.TrimSuffix(line, "\r")); ok {
			m.patterns = append(m.patterns, p)
		}
	}
	return m
}

func parseLine(line string) (pattern, bool) {
	line = trimTrailingSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return pattern{}, false
	}
	var p pattern
	if strings.HasPrefix(line, "!") {
		p.negate, line = true, line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly, line = true, strings.TrimRight(line, "/")
	}
	if line == "" {
		return pattern{}, false
	}
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	expr := translate(line)
	if !anchored {
		expr = "(?:.*/)?" + expr
	}
	re, err := regexp.Compile("^" + expr + "$")
	if err != nil {
		return pattern{}, false
	}
	p.re = re
	return p, true
}

// trimTrailingSpace drops trailing spaces unless escaped.
func trimTrailingSpace(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// translate turns a glob into a regular expression over slash paths.
func translate(g string) string {
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case strings.HasPrefix(g[i:], "**/") && (i == 0 || g[i-1] == '/'):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(g[i:], "**") && i+2 == len(g) && (i == 0 || g[i-1] == '/'):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '\\' && i+1 < len(g):
			i++
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
		case c == '[':
			end := strings.IndexByte(g[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := g[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// match reports whether the matcher decides about rel (slash path
// relative to the root), and if so whether it is ignored: the last
// matching pattern decides.
func (m *Matcher) match(rel string, isDir bool) (ignored, decided bool) {
	if m.Dir != "" {
		if !strings.HasPrefix(rel, m.Dir+"/") {
			return false, false
		}
		rel = rel[len(m.Dir)+1:]
	}
	for _, p := range m.patterns {
		if p.dirOnly && !isDir {
			continue
		}
		if p.re.MatchString(rel) {
			ignored, decided = !p.negate, true
		}
	}
	return ignored, decided
}

// Stack is the .gitignore files that apply to a directory, root first.
type Stack []*Matcher

// Ignored reports whether rel (a slash path relative to the root of a
// file or directory whose parent directories are not ignored) is
// ignored: the deepest .gitignore that has a matching pattern decides.
func (s Stack) Ignored(rel string, isDir bool) bool {
	rel = path.Clean(rel)
	for i := len(s) - 1; i >= 0; i-- {
		if ignored, decided := s[i].match(rel, isDir); decided {
			return ignored
		}
	}
	return false
}
