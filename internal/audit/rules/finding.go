package rules

import (
	"cmp"
	"slices"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// Finding is one occurrence of a rule's pattern. Its JSON form is the
// report's stable schema.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	// Snippet is the offending source line, trimmed; filled by the caller
	// that has the files.
	Snippet string `json:"snippet"`
	Message string `json:"message"`
	Remedy  string `json:"remedy"`
}

// found makes a finding of rule id at l.
func found(id string, l fact.Loc, msg string) Finding {
	r := Lookup(id)
	return Finding{Rule: id, Severity: r.Severity, File: l.File, Line: l.Line, Column: l.Col, Message: msg, Remedy: r.Remedy}
}

// sortFindings orders by severity (most severe first), rule, file, line,
// column, and drops a second finding of one rule at one place (an anchor
// merged into several compose services, one line run twice).
func sortFindings(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return a.Rule == b.Rule && a.File == b.File && a.Line == b.Line && a.Column == b.Column
	})
}
