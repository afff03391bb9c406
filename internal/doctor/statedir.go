package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/safefs"
)

// StateDir is the health of berth's state directory.
type StateDir struct {
	Path     string `json:"path"`
	Mode     string `json:"mode,omitempty"`
	Writable bool   `json:"writable"`
	// Safe: owned by this user and not writable by group or others
	// ([safefs.CheckDir]); berth refuses a directory that is not.
	Safe    bool   `json:"safe"`
	Problem string `json:"problem,omitempty"`
}

func checkStateDir(ctx context.Context, d Daemon) StateDir {
	dir, err := d.StateDir(ctx)
	if err != nil {
		return StateDir{Problem: err.Error()}
	}
	s := StateDir{Path: dir}
	fi, err := os.Stat(dir)
	if err != nil {
		s.Problem = err.Error()
		return s
	}
	s.Mode = fmt.Sprintf("%#o", fi.Mode().Perm())
	if err := safefs.CheckDir(dir); err != nil {
		s.Problem = err.Error()
		return s
	}
	s.Safe = true
	probe := filepath.Join(dir, ".doctor-probe")
	if err := safefs.WriteFile(probe, []byte("ok"), 0o600); err != nil {
		s.Problem = fmt.Sprintf("not writable: %v", err)
		return s
	}
	_ = os.Remove(probe)
	s.Writable = true
	return s
}
