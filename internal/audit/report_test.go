package audit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/audit/rules"
)

func TestReportSummary(t *testing.T) {
	st := Static{Root: "/r", Files: 7, Duration: 1234 * time.Microsecond, Findings: []rules.Finding{
		{Rule: rules.ForcedRemoval, Severity: rules.High}, {Rule: rules.ForcedRemoval, Severity: rules.High},
		{Rule: rules.NoTimeout, Severity: rules.Low},
	}}
	r := NewReport(Tool{Name: "berth audit", Version: "v1"}, st, live.NotChecked("--no-daemon"))
	assert.Equal(t, "high", r.Summary.Severity)
	assert.Equal(t, map[string]int{"critical": 0, "high": 2, "medium": 0, "low": 1}, r.Summary.BySeverity)
	assert.Equal(t, map[string]int{rules.ForcedRemoval: 2, rules.NoTimeout: 1}, r.Summary.ByRule)
	assert.Equal(t, 0.001, r.Summary.ScanSeconds)
	assert.Equal(t, 2, r.AtLeast(rules.High))
	assert.Equal(t, 0, r.AtLeast(rules.Critical))
	assert.Equal(t, 3, r.AtLeast(rules.Low))

	empty := NewReport(Tool{}, Static{}, live.NotChecked("x"))
	assert.Equal(t, "none", empty.Summary.Severity)
	assert.NotNil(t, empty.Findings, "an empty list, not null, in JSON")
	assert.NotNil(t, empty.Summary.Skipped)
}
