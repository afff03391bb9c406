package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHealthOfHumanStatus(t *testing.T) {
	for status, want := range map[string]string{
		"Up 2 seconds (healthy)":                   "healthy",
		"Up About a minute (unhealthy)":            "unhealthy",
		"Up Less than a second (health: starting)": "starting",
		"Up 3 hours":               "",
		"Exited (0) 5 minutes ago": "",
		"Created":                  "",
	} {
		assert.Equal(t, want, healthOf(status), status)
	}
}

func TestExitCodeOfHumanStatus(t *testing.T) {
	for status, want := range map[string]int{
		"Exited (0) 5 minutes ago": 0,
		"Exited (137) 2 hours ago": 137,
		"Exited (x)":               -1,
		"Up 2 seconds":             0,
	} {
		assert.Equal(t, want, exitCodeOf(status), status)
	}
}
