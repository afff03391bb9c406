package doctor

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
)

// stateOnly is a Daemon whose only answer is its state directory.
type stateOnly struct {
	engine.Engine
	dir string
}

func (s stateOnly) StateDir(context.Context) (string, error) { return s.dir, nil }

// TestDoctorReportsTheStateDirectoryCheck: a state directory others may
// write to is a finding naming it and the fix; one's own 0700 one is safe.
func TestDoctorReportsTheStateDirectoryCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes on Windows")
	}
	ok := t.TempDir()
	s := checkStateDir(t.Context(), stateOnly{dir: ok})
	assert.True(t, s.Safe)
	assert.True(t, s.Writable)
	assert.Empty(t, s.Problem)

	open := filepath.Join(t.TempDir(), "open")
	assert.NoError(t, os.Mkdir(open, 0o700))
	assert.NoError(t, os.Chmod(open, 0o777))
	s = checkStateDir(t.Context(), stateOnly{dir: open})
	assert.False(t, s.Safe)
	assert.Contains(t, s.Problem, "writable by group or others")
	assert.Contains(t, s.Problem, "chmod 700 "+open)
	f := healthy()
	f.State = s
	found := Evaluate(f)
	var detail string
	for _, f := range found {
		if f.Check == "state" {
			detail = f.Detail
		}
	}
	assert.Contains(t, detail, open)
}
