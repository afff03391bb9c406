//go:build !windows && !darwin

package statedir

import (
	"os"
	"path/filepath"
)

// userStateDir follows the XDG base directory spec: $XDG_STATE_HOME, else
// ~/.local/state.
func userStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state"), nil
}
