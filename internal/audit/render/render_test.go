package render

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit"
	"github.com/berth-dev/berth/internal/audit/audittest"
	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/audit/rules"
	"github.com/berth-dev/berth/internal/engine"
)

// fixtureReport scans the audits' fixture and adds a resource section
// with a container under memory pressure.
func fixtureReport(t *testing.T) audit.Report {
	t.Helper()
	st, err := audit.Scan(context.Background(), audittest.Extract(t, audittest.Archive("fixture.txtar")))
	require.NoError(t, err)
	require.NotEmpty(t, st.Findings)
	const mib = 1 << 20
	res := live.Evaluate(live.Facts{Endpoint: "unix:///var/run/docker.sock", Reachable: true, Now: time.Unix(10_000, 0),
		Info: engine.Info{ServerVersion: "20.10.24", NCPU: 2, MemTotal: 4096 * mib},
		Disk: engine.DiskUsage{BuildCache: engine.UsageCategory{Count: 3, Size: 11_110_000_000, Reclaimable: 11_110_000_000}},
		Containers: []live.Container{{ContainerSummary: engine.ContainerSummary{ID: "a", Name: "backend", State: "running"},
			MemoryLimit: 512 * mib, Inspected: true, Sample: &engine.Stats{MemoryUsage: 379 * mib}},
			{ContainerSummary: engine.ContainerSummary{ID: "b", Name: "old", State: "exited", Status: "Exited (0)", Created: time.Unix(2800, 0)}}}})
	return audit.NewReport(audit.Tool{Name: "berth audit", Version: "test"}, st, res)
}

func TestSARIFCarriesWhatCodeScanningNeeds(t *testing.T) {
	r := fixtureReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, SARIF, r))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))

	assert.Equal(t, "2.1.0", doc["version"])
	assert.Equal(t, SARIFSchema, doc["$schema"])
	runs := doc["runs"].([]any)
	require.Len(t, runs, 1)
	run := runs[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	assert.Equal(t, "berth audit", driver["name"])
	ruleList := driver["rules"].([]any)
	require.Len(t, ruleList, len(rules.Table()))
	ids := map[string]int{}
	for i, x := range ruleList {
		rule := x.(map[string]any)
		id := rule["id"].(string)
		ids[id] = i
		assert.Regexp(t, `^[A-Z][A-Za-z]+$`, rule["name"], id)
		assert.NotEmpty(t, rule["shortDescription"].(map[string]any)["text"], id)
		assert.NotEmpty(t, rule["fullDescription"].(map[string]any)["text"], id)
		assert.NotEmpty(t, rule["help"].(map[string]any)["text"], id)
		assert.Contains(t, []string{"error", "warning", "note"}, rule["defaultConfiguration"].(map[string]any)["level"], id)
		assert.NotEmpty(t, rule["properties"].(map[string]any)["security-severity"], id)
	}

	results := run["results"].([]any)
	require.Len(t, results, len(r.Findings))
	for i, x := range results {
		res := x.(map[string]any)
		f := r.Findings[i]
		assert.Equal(t, f.Rule, res["ruleId"])
		assert.EqualValues(t, ids[f.Rule], res["ruleIndex"])
		assert.Equal(t, level(f.Severity), res["level"])
		assert.Contains(t, res["message"].(map[string]any)["text"], f.Message)
		locs := res["locations"].([]any)
		require.Len(t, locs, 1)
		phys := locs[0].(map[string]any)["physicalLocation"].(map[string]any)
		art := phys["artifactLocation"].(map[string]any)
		assert.Equal(t, f.File, art["uri"])
		assert.Equal(t, "%SRCROOT%", art["uriBaseId"])
		region := phys["region"].(map[string]any)
		assert.EqualValues(t, f.Line, region["startLine"])
		assert.EqualValues(t, f.Column, region["startColumn"])
		assert.Equal(t, f.Snippet, region["snippet"].(map[string]any)["text"])
		assert.NotEmpty(t, res["partialFingerprints"].(map[string]any)["berthAudit/v1"])
	}
	levels := map[string]bool{}
	for _, x := range results {
		levels[x.(map[string]any)["level"].(string)] = true
	}
	assert.Equal(t, map[string]bool{"error": true, "warning": true, "note": true}, levels, "the fixture has every level")
}

func TestMarkdownIsShapedLikeTheAudits(t *testing.T) {
	r := fixtureReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Markdown, r))
	out := buf.String()

	var headings []string
	fences := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") {
			headings = append(headings, line)
		}
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fences++
		}
	}
	assert.Equal(t, 0, fences%2, "every code block is closed")
	assert.Greater(t, fences, 2*len(r.Findings)-1, "a code block per location, and the figures")
	assert.True(t, strings.HasPrefix(headings[0], "# berth audit: "))
	for _, h := range []string{"## Executive summary", "## Root causes", "## Resource state", "## Remedies",
		"### Immediate", "### This week", "### This month"} {
		assert.Contains(t, headings, h)
	}
	assert.Contains(t, out, "**Overall severity: CRITICAL.**")
	assert.Contains(t, out, "| Severity | Findings |\n| --- | ---: |\n| critical | 2 |")
	assert.Contains(t, out, "### 1. Global prune in test code or scripts (`global-prune`, critical, 2)")
	assert.Contains(t, out, "- `scripts/cleanup.sh:7` -- docker system prune removes")
	assert.Contains(t, out, "  ```sh\n  docker system prune -af  # want: global-prune\n  ```")
	assert.Contains(t, out, "  ```python\n  subprocess.run([\"docker\", \"rm\", \"-f\", name], check=True)")
	assert.Contains(t, out, "```\nImages: 0B (0% reclaimable)\nContainers: 0B (0% reclaimable)\nLocal Volumes: 0B (0% reclaimable)\nBuild Cache: 11.11GB (100% reclaimable)\nbackend: 379MiB/512MiB (74.02% - HIGH)\n")
	assert.Contains(t, out, "| old |  | exited | Exited (0) | 2h00m |  |")
	assert.Contains(t, out, "- [ ] **Forced removal of containers** (`forced-removal`, 5 locations): Let berth tear environments down")
}

func TestMarkdownWithoutFindingsOrDaemon(t *testing.T) {
	r := audit.NewReport(audit.Tool{Name: "berth audit"}, audit.Static{Root: "/repo", Files: 3}, live.NotChecked("--no-daemon"))
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, r))
	out := buf.String()
	assert.Contains(t, out, "**Overall severity: none.** No dangerous Docker pattern found in 3 files.")
	assert.Contains(t, out, "Daemon: not checked (--no-daemon).")
	assert.NotContains(t, out, "## Root causes")
	assert.NotContains(t, out, "## Remedies")
}

func TestJSONSchema(t *testing.T) {
	r := fixtureReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JSON, r))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	for _, k := range []string{"findings", "resources", "summary"} {
		assert.Contains(t, doc, k)
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "severity", "file", "line", "column", "snippet", "message", "remedy"} {
		assert.Contains(t, f, k)
	}
	assert.Equal(t, "critical", f["severity"])
	sum := doc["summary"].(map[string]any)
	assert.Equal(t, "critical", sum["severity"])
	assert.EqualValues(t, len(r.Findings), sum["findings"])
	res := doc["resources"].(map[string]any)
	assert.Equal(t, true, res["checked"])
	assert.Contains(t, res["lines"], "Build Cache: 11.11GB (100% reclaimable)")

	var back audit.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, r.Findings, back.Findings, "the findings survive a round trip")
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"markdown": Markdown, "MD": Markdown, "json": JSON, "sarif": SARIF} {
		got, err := ParseFormat(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := ParseFormat("xml")
	assert.ErrorContains(t, err, "unknown format")
}
