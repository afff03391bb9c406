package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/audit/audittest"
)

// runAudit runs berth audit as main does and returns the exit code and
// the streams.
func runAudit(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), append([]string{"audit"}, args...), s)
	return code, o.String(), e.String()
}

// TestAuditFailOnGatesTheFixture runs the command on the audits' fixture
// repository and on a clean one: --fail-on high fails the first only.
func TestAuditFailOnGatesTheFixture(t *testing.T) {
	fixture := audittest.Extract(t, audittest.Archive("fixture.txtar"))
	clean := audittest.Extract(t, audittest.Archive("clean.txtar"))

	code, out, errOut := runAudit(t, "--no-daemon", "--fail-on", "high", fixture)
	assert.Equal(t, ExitFailure, code, errOut)
	assert.Contains(t, out, "**Overall severity: CRITICAL.**")
	assert.Contains(t, errOut, "findings at or above high: 13")

	code, out, errOut = runAudit(t, "--no-daemon", "--fail-on", "high", clean)
	assert.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "No dangerous Docker pattern found")

	code, _, errOut = runAudit(t, "--no-daemon", fixture)
	assert.Equal(t, ExitOK, code, "findings alone do not fail: %s", errOut)
}

func TestAuditBadInputExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"--no-daemon", "/no/such/repository"},
		{"--no-daemon", "--format", "xml", "."},
		{"--no-daemon", "--fail-on", "severe", "."},
	} {
		code, out, errOut := runAudit(t, args...)
		assert.Equal(t, ExitBadInput, code, "%v: %s", args, errOut)
		assert.Empty(t, out, "%v: no report", args)
	}
}
