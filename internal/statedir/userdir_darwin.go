//go:build darwin

package statedir

import (
	"os"
	"path/filepath"
)

// userStateDir is ~/Library/Application Support on macOS.
func userStateDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "Application Support"), nil
}
