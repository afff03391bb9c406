package render

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/berth-dev/berth/internal/audit"
	"github.com/berth-dev/berth/internal/audit/rules"
)

// WriteMarkdown writes the report as the hand-written audits were laid
// out: an executive summary with the overall severity and a table, root
// causes grouped by rule with every location as file:line and its line
// in a code block, the resource state, and remedies in phases
// (immediate, this week, this month).
func WriteMarkdown(w io.Writer, r audit.Report) error {
	m := &md{w: w}
	m.printf("# berth audit: %s\n\n", r.Root)
	summary(m, r)
	causes(m, r)
	resources(m, r.Resources)
	remedies(m, r)
	return m.err
}

// md writes and keeps the first error.
type md struct {
	w   io.Writer
	err error
}

func (m *md) printf(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

func summary(m *md, r audit.Report) {
	s := r.Summary
	m.printf("## Executive summary\n\n")
	if s.Findings == 0 {
		m.printf("**Overall severity: none.** No dangerous Docker pattern found in %d files.\n\n", s.Files)
	} else {
		m.printf("**Overall severity: %s.** %d findings of %d rules in %d files.\n\n",
			strings.ToUpper(s.Severity), s.Findings, len(s.ByRule), files(r.Findings))
	}
	m.printf("| Severity | Findings |\n| --- | ---: |\n")
	for _, sev := range []rules.Severity{rules.Critical, rules.High, rules.Medium, rules.Low} {
		m.printf("| %s | %d |\n", sev, s.BySeverity[sev.String()])
	}
	m.printf("\n")
	res := r.Resources
	switch {
	case !res.Checked:
		m.printf("Daemon: not checked (%s).\n\n", res.Reason)
	case len(res.Alerts) > 0:
		m.printf("Daemon (%s): %s.\n\n", res.Endpoint, strings.Join(res.Alerts, "; "))
	default:
		m.printf("Daemon (%s): nothing that needs attention.\n\n", res.Endpoint)
	}
	m.printf("Scanned %d files in %.2f s; left out: %d ignored by .gitignore, %d vendored directories, %d binary, %d too large",
		s.Files, s.ScanSeconds, s.Ignored, s.Vendored, s.Binary, s.TooLarge)
	if len(s.Skipped) > 0 {
		m.printf(", %d that did not parse (%s)", len(s.Skipped), skippedList(s.Skipped))
	}
	m.printf(".\n")
	if len(s.ComposeFiles) > 0 {
		m.printf("Compose files judged as test stacks:")
		for _, c := range s.ComposeFiles {
			m.printf(" `%s` (%s);", c.File, c.Why)
		}
		m.printf("\n")
	}
	m.printf("\n")
}

func skippedList(s []audit.Skipped) string {
	var out []string
	for _, x := range s {
		out = append(out, fmt.Sprintf("`%s`: %s", x.File, x.Reason))
	}
	return strings.Join(out, "; ")
}

func files(fs []rules.Finding) int {
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.File] = true
	}
	return len(seen)
}

// causes lists findings grouped by rule, in the table's order.
func causes(m *md, r audit.Report) {
	if len(r.Findings) == 0 {
		return
	}
	m.printf("## Root causes\n\n")
	n := 0
	for _, rule := range rules.Table() {
		var fs []rules.Finding
		for _, f := range r.Findings {
			if f.Rule == rule.ID {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		n++
		m.printf("### %d. %s (`%s`, %s, %d)\n\n%s\n\n", n, rule.Title, rule.ID, rule.Severity, len(fs), rule.Rationale)
		for _, f := range fs {
			m.printf("- `%s:%d` -- %s\n", f.File, f.Line, f.Message)
			if f.Snippet != "" {
				fence := strings.Repeat("`", max(3, longestRun(f.Snippet, '`')+1))
				m.printf("\n  %s%s\n  %s\n  %s\n\n", fence, lang(f.File), f.Snippet, fence)
			}
		}
		m.printf("\n**Remedy:** %s\n\n", rule.Remedy)
	}
}

// lang is a code block's language for a file.
func lang(file string) string {
	base := path.Base(file)
	switch ext := path.Ext(base); {
	case ext == ".py":
		return "python"
	case ext == ".go":
		return "go"
	case ext == ".yml" || ext == ".yaml":
		return "yaml"
	case base == "Makefile" || base == "GNUmakefile" || base == "makefile" || ext == ".mk":
		return "make"
	}
	return "sh"
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// remedies groups the rules found by phase: critical and high now,
// medium this week, low this month.
func remedies(m *md, r audit.Report) {
	if len(r.Findings) == 0 {
		return
	}
	m.printf("## Remedies\n\n")
	phases := []struct {
		title string
		sevs  []rules.Severity
	}{{"Immediate", []rules.Severity{rules.Critical, rules.High}}, {"This week", []rules.Severity{rules.Medium}},
		{"This month", []rules.Severity{rules.Low}}}
	for _, p := range phases {
		var items []string
		for _, rule := range rules.Table() {
			n := r.Summary.ByRule[rule.ID]
			if n == 0 || !contains(p.sevs, rule.Severity) {
				continue
			}
			items = append(items, fmt.Sprintf("- [ ] **%s** (`%s`, %d location%s): %s", rule.Title, rule.ID, n, plural(n), rule.Remedy))
		}
		if len(items) == 0 {
			continue
		}
		m.printf("### %s\n\n%s\n\n", p.title, strings.Join(items, "\n"))
	}
}

func contains(s []rules.Severity, v rules.Severity) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
