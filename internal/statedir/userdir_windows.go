//go:build windows

package statedir

import (
	"errors"
	"os"
)

// userStateDir is %LOCALAPPDATA% on Windows (machine-local, not roaming).
func userStateDir() (string, error) {
	if d := os.Getenv("LOCALAPPDATA"); d != "" {
		return d, nil
	}
	return "", errors.New("LOCALAPPDATA is not set")
}
