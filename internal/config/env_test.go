package config

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvSettings(t *testing.T) {
	e, err := EnvFromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, Env{}, e, "nothing set: nil everywhere")

	e, err = EnvFromEnv(env(map[string]string{"TEST_USE_SHARED_DOCKER": "false", "TEST_USE_PRODUCTION_IMAGES": "yes",
		"BERTH_LINGER": "0s", "BERTH_WAIT_TIMEOUT": "90"}))
	require.NoError(t, err)
	assert.False(t, *e.Shared)
	assert.True(t, *e.Production)
	assert.Equal(t, time.Duration(0), *e.Linger)
	assert.Equal(t, 90*time.Second, *e.WaitTimeout)

	e, err = EnvFromEnv(env(map[string]string{"BERTH_SHARED": "true", "TEST_USE_SHARED_DOCKER": "false"}))
	require.NoError(t, err)
	assert.True(t, *e.Shared, "the canonical name wins")
}

func TestEnvSettingsRefuseBadValues(t *testing.T) {
	for name, v := range map[string]string{"BERTH_SHARED": "maybe", "TEST_USE_SHARED_DOCKER": "2",
		"BERTH_PRODUCTION": "prod", "TEST_USE_PRODUCTION_IMAGES": "y e s", "BERTH_LINGER": "soon",
		"BERTH_WAIT_TIMEOUT": "0", "BERTH_STALE_AFTER": "9223372036.854776"} {
		_, err := EnvFromEnv(env(map[string]string{name: v}))
		var se *SettingError
		require.True(t, errors.As(err, &se), "%s=%s: %v", name, v, err)
		assert.Equal(t, name, se.Name)
	}
}

// TestParseDurationRefusesOverflow: 2^63 nanoseconds written as seconds
// used to wrap to a negative duration and be accepted.
func TestParseDurationRefusesOverflow(t *testing.T) {
	for _, in := range []string{"9223372036.854776", "9223372037", "1e300", "inf", "NaN", "-1"} {
		d, err := ParseDuration(in)
		assert.Error(t, err, "%s gave %s", in, d)
	}
	d, err := ParseDuration("9223372036")
	require.NoError(t, err)
	assert.Equal(t, 9223372036*time.Second, d)
}
