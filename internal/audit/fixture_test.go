package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/audittest"
	"github.com/berth-dev/berth/internal/audit/rules"
)

// want matches a planted pattern's marker: "want: rule-a, rule-b".
var want = regexp.MustCompile(`want: ([a-z-]+(?:, [a-z-]+)*)`)

// planted reads the markers of an archive: "file:line rule" for each
// rule of each marked line.
func planted(t *testing.T, archive string) map[string]bool {
	t.Helper()
	a, err := txtar.ParseFile(archive)
	require.NoError(t, err)
	out := map[string]bool{}
	for _, f := range a.Files {
		for i, line := range strings.Split(string(f.Data), "\n") {
			if m := want.FindStringSubmatch(line); m != nil {
				for _, r := range strings.Split(m[1], ", ") {
					rules.Lookup(r) // a typo in a marker is a test bug: panic
					out[fmt.Sprintf("%s:%d %s", f.Name, i+1, r)] = true
				}
			}
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFixturePrecisionAndRecall scans the audits' situation: every
// planted pattern must be found at its file and line, and nothing else
// (the clean look-alikes, ignored, vendored and binary files).
func TestFixturePrecisionAndRecall(t *testing.T) {
	archive := audittest.Archive("fixture.txtar")
	root := audittest.Extract(t, archive)
	st, err := Scan(context.Background(), root)
	require.NoError(t, err)
	expected := planted(t, archive)
	got := map[string]bool{}
	for _, f := range st.Findings {
		got[fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule)] = true
	}
	tp, fp, fn := 0, map[string]bool{}, map[string]bool{}
	for k := range got {
		if expected[k] {
			tp++
		} else {
			fp[k] = true
		}
	}
	for k := range expected {
		if !got[k] {
			fn[k] = true
		}
	}
	precision := float64(tp) / float64(tp+len(fp))
	recall := float64(tp) / float64(tp+len(fn))
	t.Logf("fixture: %d planted, %d reported, %d true positives: precision %.2f, recall %.2f", len(expected), len(got), tp, precision, recall)
	assert.Empty(t, keys(fp), "false positives")
	assert.Empty(t, keys(fn), "planted patterns not reported")
	assert.GreaterOrEqual(t, len(expected), 20, "the fixture plants every kind of pattern")
	assert.Empty(t, st.Skipped)
	assert.Equal(t, 2, st.Walk.Ignored, "build/ and scripts/dev.local.sh")
	assert.Equal(t, 2, st.Walk.Vendored, "vendor/ and node_modules/")
	assert.Equal(t, 1, st.Walk.Binary, "tests/data/blob.sh")
	assert.Equal(t, []ComposeFile{{File: "tests/docker-compose.yml", Why: "started by docker compose -f at Makefile:9"}}, st.Compose,
		"the production compose file is not a test stack")
	for _, f := range st.Findings {
		assert.NotEmpty(t, f.Snippet, "%s:%d", f.File, f.Line)
		assert.Contains(t, f.Snippet, "want: ", "the snippet is the planted line")
	}
}

func TestCleanRepositoryHasNoFindings(t *testing.T) {
	st, err := Scan(context.Background(), audittest.Extract(t, audittest.Archive("clean.txtar")))
	require.NoError(t, err)
	assert.Empty(t, st.Findings)
	assert.Equal(t, 3, st.Files)
	assert.Equal(t, []ComposeFile{{File: "tests/compose.yaml", Why: "a compose file in a test directory"}}, st.Compose)
}

func TestScanRefusesWhatIsNotADirectory(t *testing.T) {
	_, err := Scan(context.Background(), filepath.Join(t.TempDir(), "missing"))
	assert.Error(t, err)
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err = Scan(context.Background(), f)
	assert.ErrorContains(t, err, "not a directory")
}

func extractBench(b *testing.B) string {
	return audittest.Extract(b, audittest.Archive("fixture.txtar"))
}
