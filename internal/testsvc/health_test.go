package testsvc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHealthStateMachine(t *testing.T) {
	var h Health
	assert.Equal(t, Starting, h.State())
	h.Ready()
	assert.Equal(t, Healthy, h.State())
	h.SetHealthy(false)
	assert.Equal(t, Unhealthy, h.State())
	h.SetHealthy(true)
	assert.Equal(t, Healthy, h.State())
}

func TestHealthMarkedUnhealthyWhileStarting(t *testing.T) {
	var h Health
	h.SetHealthy(false)
	assert.Equal(t, Starting, h.State(), "not listening yet: still starting")
	h.Ready()
	assert.Equal(t, Unhealthy, h.State())
}

func TestStateString(t *testing.T) {
	assert.Equal(t, "starting", Starting.String())
	assert.Equal(t, "healthy", Healthy.String())
	assert.Equal(t, "unhealthy", Unhealthy.String())
	assert.Equal(t, "unknown", State(99).String())
}
