package audit

import (
	"time"

	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/audit/rules"
)

// Report is the whole audit; its JSON form is the report's stable
// schema: findings, resources and summary, plus the tool and the root.
type Report struct {
	Tool      Tool            `json:"tool"`
	Root      string          `json:"root"`
	Findings  []rules.Finding `json:"findings"`
	Resources live.Resources  `json:"resources"`
	Summary   Summary         `json:"summary"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary sums the report up.
type Summary struct {
	// Severity is the most severe finding's severity, "none" without
	// findings.
	Severity   string         `json:"severity"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"` // every severity, 0 included
	ByRule     map[string]int `json:"by_rule"`
	// Files is how many files were scanned; Ignored, Vendored, Binary
	// and TooLarge how many the walk left out.
	Files        int           `json:"files_scanned"`
	Ignored      int           `json:"ignored"`
	Vendored     int           `json:"vendored_dirs"`
	Binary       int           `json:"binary"`
	TooLarge     int           `json:"too_large"`
	Skipped      []Skipped     `json:"skipped"`
	ComposeFiles []ComposeFile `json:"compose_files"`
	// ScanSeconds is how long the static scan took.
	ScanSeconds float64 `json:"scan_seconds"`
}

// NewReport puts a scan and a resource section together.
func NewReport(tool Tool, s Static, res live.Resources) Report {
	sum := Summary{Severity: "none", Findings: len(s.Findings), BySeverity: map[string]int{}, ByRule: map[string]int{},
		Files: s.Files, Ignored: s.Walk.Ignored, Vendored: s.Walk.Vendored, Binary: s.Walk.Binary, TooLarge: s.Walk.TooLarge,
		Skipped: orEmpty(s.Skipped), ComposeFiles: orEmpty(s.Compose), ScanSeconds: s.Duration.Round(time.Millisecond).Seconds()}
	for _, sev := range []rules.Severity{rules.Low, rules.Medium, rules.High, rules.Critical} {
		sum.BySeverity[sev.String()] = 0
	}
	if w := worst(s.Findings); w > 0 {
		sum.Severity = w.String()
	}
	for _, f := range s.Findings {
		sum.BySeverity[f.Severity.String()]++
		sum.ByRule[f.Rule]++
	}
	return Report{Tool: tool, Root: s.Root, Findings: orEmpty(s.Findings), Resources: res, Summary: sum}
}

func worst(fs []rules.Finding) rules.Severity {
	var w rules.Severity
	for _, f := range fs {
		w = max(w, f.Severity)
	}
	return w
}

// AtLeast counts the findings of severity min or above: the --fail-on
// gate fails when it is not 0.
func (r Report) AtLeast(min rules.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
