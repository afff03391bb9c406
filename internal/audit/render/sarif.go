package render

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/berth-dev/berth/internal/audit"
	"github.com/berth-dev/berth/internal/audit/rules"
)

// SARIF 2.1.0, the subset GitHub code scanning reads.
type (
	// Log is a SARIF log.
	Log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []Run  `json:"runs"`
	}
	// Run is one run of one tool.
	Run struct {
		Tool    Tool     `json:"tool"`
		Results []Result `json:"results"`
	}
	// Tool describes the analysis tool.
	Tool struct {
		Driver Driver `json:"driver"`
	}
	// Driver is the tool's main component, with its rules.
	Driver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []SARIFRule `json:"rules"`
	}
	// SARIFRule is a reportingDescriptor.
	SARIFRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     Text           `json:"shortDescription"`
		FullDescription      Text           `json:"fullDescription"`
		Help                 Help           `json:"help"`
		DefaultConfiguration Config         `json:"defaultConfiguration"`
		Properties           RuleProperties `json:"properties"`
	}
	// Text is a message string.
	Text struct {
		Text string `json:"text"`
	}
	// Help is a rule's help, plain and Markdown.
	Help struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	// Config is a rule's default configuration.
	Config struct {
		Level string `json:"level"`
	}
	// RuleProperties are the property bag GitHub reads.
	RuleProperties struct {
		Tags             []string `json:"tags"`
		Precision        string   `json:"precision"`
		SecuritySeverity string   `json:"security-severity"`
	}
	// Result is one finding.
	Result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             Text              `json:"message"`
		Locations           []Location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	// Location is a result's place.
	Location struct {
		PhysicalLocation PhysicalLocation `json:"physicalLocation"`
	}
	// PhysicalLocation is a file and a region in it.
	PhysicalLocation struct {
		ArtifactLocation ArtifactLocation `json:"artifactLocation"`
		Region           Region           `json:"region"`
	}
	// ArtifactLocation is a file, relative to the source root.
	ArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	// Region is a line (and column) with its text.
	Region struct {
		StartLine   int   `json:"startLine"`
		StartColumn int   `json:"startColumn,omitempty"`
		Snippet     *Text `json:"snippet,omitempty"`
	}
)

// SARIFSchema is the schema URI of SARIF 2.1.0.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// level maps a severity to a SARIF level.
func level(s rules.Severity) string {
	switch s {
	case rules.Critical, rules.High:
		return "error"
	case rules.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the score GitHub sorts alerts by.
func securitySeverity(s rules.Severity) string {
	return map[rules.Severity]string{rules.Critical: "9.5", rules.High: "8.0", rules.Medium: "5.5", rules.Low: "3.0"}[s]
}

// NewSARIF converts a report: every rule of the table in the driver, one
// result per finding with its file (relative to %SRCROOT%), line, column
// and snippet.
func NewSARIF(r audit.Report) Log {
	d := Driver{Name: "berth audit", Version: r.Tool.Version, InformationURI: "https://github.com/berth-dev/berth/blob/main/docs/audit-rules.md"}
	index := map[string]int{}
	for i, rule := range rules.Table() {
		index[rule.ID] = i
		d.Rules = append(d.Rules, SARIFRule{ID: rule.ID, Name: pascal(rule.ID),
			ShortDescription: Text{rule.Title}, FullDescription: Text{rule.Rationale},
			Help:                 Help{Text: rule.Remedy, Markdown: "**Why:** " + rule.Rationale + "\n\n**Instead:** " + rule.Remedy},
			DefaultConfiguration: Config{Level: level(rule.Severity)},
			Properties: RuleProperties{Tags: []string{"docker", "reliability", rule.Severity.String()}, Precision: "high",
				SecuritySeverity: securitySeverity(rule.Severity)}})
	}
	results := []Result{}
	for _, f := range r.Findings {
		reg := Region{StartLine: f.Line, StartColumn: f.Column}
		if f.Snippet != "" {
			reg.Snippet = &Text{f.Snippet}
		}
		sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.File + "\x00" + f.Snippet))
		results = append(results, Result{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level(f.Severity),
			Message: Text{f.Message + ". Instead: " + f.Remedy},
			Locations: []Location{{PhysicalLocation: PhysicalLocation{
				ArtifactLocation: ArtifactLocation{URI: f.File, URIBaseID: "%SRCROOT%"}, Region: reg}}},
			PartialFingerprints: map[string]string{"berthAudit/v1": hex.EncodeToString(sum[:8])}})
	}
	return Log{Schema: SARIFSchema, Version: "2.1.0", Runs: []Run{{Tool: Tool{Driver: d}, Results: results}}}
}

// pascal turns a rule ID into the identifier SARIF wants as a rule's
// name: "forced-removal" -> "ForcedRemoval".
func pascal(id string) string {
	var b strings.Builder
	for _, w := range strings.Split(id, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
