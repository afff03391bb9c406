package config

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRestartUnsetIsNil(t *testing.T) {
	r, err := RestartFromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, Restart{}, r)
}

func TestRestartReadsEverySetting(t *testing.T) {
	r, err := RestartFromEnv(env(map[string]string{
		"BERTH_RESTART_COOLDOWN":         "2",
		"BERTH_MAX_RESTART_ATTEMPTS":     "5",
		"BERTH_RESTART_WINDOW":           "90s",
		"BERTH_RESTART_BREAKER_OPEN_FOR": "45",
	}))
	require.NoError(t, err)
	require.NotNil(t, r.Cooldown)
	require.NotNil(t, r.MaxAttempts)
	require.NotNil(t, r.Window)
	require.NotNil(t, r.BreakerOpenFor)
	assert.Equal(t, 2*time.Second, *r.Cooldown)
	assert.Equal(t, 5, *r.MaxAttempts)
	assert.Equal(t, 90*time.Second, *r.Window)
	assert.Equal(t, 45*time.Second, *r.BreakerOpenFor)
}

func TestRestartCompatibleNamesAndPrecedence(t *testing.T) {
	r, err := RestartFromEnv(env(map[string]string{
		"DOCKER_RESTART_COOLDOWN":     "1m",
		"DOCKER_MAX_RESTART_ATTEMPTS": "7",
	}))
	require.NoError(t, err)
	assert.Equal(t, time.Minute, *r.Cooldown)
	assert.Equal(t, 7, *r.MaxAttempts)

	r, err = RestartFromEnv(env(map[string]string{
		"BERTH_RESTART_COOLDOWN": "5s", "DOCKER_RESTART_COOLDOWN": "junk",
		"BERTH_MAX_RESTART_ATTEMPTS": "2", "DOCKER_MAX_RESTART_ATTEMPTS": "0",
	}))
	require.NoError(t, err, "the canonical BERTH_ variable wins; the DOCKER_ one is not read")
	assert.Equal(t, 5*time.Second, *r.Cooldown)
	assert.Equal(t, 2, *r.MaxAttempts)
}

func TestRestartZeroCooldownIsAllowed(t *testing.T) {
	r, err := RestartFromEnv(env(map[string]string{"BERTH_RESTART_COOLDOWN": "0"}))
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), *r.Cooldown)
}

func TestRestartRefusesBadValuesNamingTheSetting(t *testing.T) {
	bad := map[string][]string{
		"BERTH_RESTART_COOLDOWN":         {"-1", "-5s", "soon", "5 s"},
		"DOCKER_RESTART_COOLDOWN":        {"-1", "x"},
		"BERTH_MAX_RESTART_ATTEMPTS":     {"0", "-1", "three", "1.5"},
		"DOCKER_MAX_RESTART_ATTEMPTS":    {"0", "x"},
		"BERTH_RESTART_WINDOW":           {"0", "0s", "-1m", "forever"},
		"BERTH_RESTART_BREAKER_OPEN_FOR": {"-1s", "a while"},
	}
	for name, values := range bad {
		for _, v := range values {
			t.Run(name+"="+v, func(t *testing.T) {
				_, err := RestartFromEnv(env(map[string]string{name: v}))
				var se *SettingError
				require.True(t, errors.As(err, &se), "got %v", err)
				assert.Equal(t, name, se.Name)
				assert.Equal(t, v, se.Value)
				assert.Contains(t, err.Error(), name)
			})
		}
	}
	assert.ElementsMatch(t, Restart{}.Names(), keys(bad), "every setting has a bad-value case")
}
