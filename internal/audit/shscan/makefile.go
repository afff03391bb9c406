package shscan

import (
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// assignment matches a make variable definition (VAR = x, VAR := x,
// VAR ?= x, VAR += x, VAR != cmd), optionally after export/override.
var assignment = regexp.MustCompile(`^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$`)

// ruleLine matches a rule's target line ("target: prerequisites").
var ruleLine = regexp.MustCompile(`^[^\s#:=][^:=]*::?(?:[^=]|$)`)

// Makefile returns the commands of a Makefile's recipes. Each recipe
// line is parsed as the shell line make runs: the @ - + prefixes
// removed, $$ made $, a variable defined in the file with a literal
// value expanded, any other make reference ($@, $(shell ...), undefined
// variables) unknown. The lines of one rule form one statement list. A
// line the shell parser refuses is skipped.
func Makefile(src string, o Origin) ([]fact.Command, []fact.Unparsed) {
	if o.Blocks == nil {
		o.Blocks = &fact.Blocks{}
	}
	lines := logicalLines(src)
	vars := unknownVars(lines)
	var out []fact.Command
	var bad []fact.Unparsed
	inRule, inDefine := false, false
	var rule *List
	for _, l := range lines {
		text := l.text
		switch {
		case inDefine:
			inDefine = !strings.HasPrefix(strings.TrimSpace(text), "endef")
			continue
		case strings.HasPrefix(strings.TrimSpace(text), "define "):
			inDefine = true
			continue
		case strings.HasPrefix(text, "\t") && inRule:
			body := strings.TrimLeft(text[1:], " \t")
			stripped := strings.TrimLeft(body, "@-+ \t")
			if strings.HasPrefix(stripped, "#") || stripped == "" {
				continue
			}
			col := 2 + (len(text) - 1 - len(stripped))
			oo := o
			oo.Line, oo.Col, oo.Indent, oo.List = l.line, col, 0, rule
			cmds, err := Script(expand(stripped, vars, 0), oo)
			if err != nil {
				bad = append(bad, fact.Unparsed{Loc: fact.Loc{File: o.File, Line: l.line, Col: col}, Reason: "shell: " + err.Error()})
				continue
			}
			out = append(out, cmds...)
		case strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#"):
		case assignment.MatchString(text):
			inRule = false
		case ruleLine.MatchString(text):
			inRule, rule = true, &List{Block: o.Blocks.New()}
		default:
			inRule = false
		}
	}
	return out, bad
}

// line is a logical Makefile line: physical lines joined by a trailing
// backslash (kept, as make passes it to the shell), and its first line.
type line struct {
	text string
	line int
}

func logicalLines(src string) []line {
	phys := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var out []line
	for i := 0; i < len(phys); i++ {
		l := line{text: phys[i], line: i + 1}
		for strings.HasSuffix(phys[i], `\`) && i+1 < len(phys) {
			i++
			l.text += "\n" + phys[i]
		}
		out = append(out, l)
	}
	return out
}

// unknownVars collects the file's variable definitions (later ones win, +=
// appends); a != (shell) assignment is unknown.
func unknownVars(lines []line) map[string]string {
	vars := map[string]string{}
	for _, l := range lines {
		if strings.HasPrefix(l.text, "\t") {
			continue
		}
		m := assignment.FindStringSubmatch(strings.TrimSpace(l.text))
		if m == nil {
			continue
		}
		val := strings.TrimSpace(strings.ReplaceAll(m[3], "\\\n", " "))
		switch m[2] {
		case "+=":
			vars[m[1]] = strings.TrimSpace(vars[m[1]] + " " + val)
		case "!=":
			vars[m[1]] = unknownVar
		case "?=":
			if _, ok := vars[m[1]]; !ok {
				vars[m[1]] = val
			}
		default:
			vars[m[1]] = val
		}
	}
	return vars
}

// expand replaces make references in s: $$ by $, $(VAR) and ${VAR} by
// the variable's value (expanded in turn, to a small depth), anything
// else by [unknownVar].
func expand(s string, vars map[string]string, depth int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch n := s[i+1]; n {
		case '$':
			b.WriteByte('$')
			i++
		case '(', '{':
			end := closing(s, i+1)
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : end]
			if v, ok := vars[name]; ok && depth < 5 {
				b.WriteString(expand(v, vars, depth+1))
			} else {
				b.WriteString(unknownVar)
			}
			i = end
		default: // $@, $<, $^, $*, $X
			b.WriteString(unknownVar)
			i++
		}
	}
	return b.String()
}

// closing finds the bracket that closes the one at open, or -1.
func closing(s string, open int) int {
	o, c := s[open], byte(')')
	if o == '{' {
		c = '}'
	}
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case o:
			depth++
		case c:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
