package config

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestGateDefaults(t *testing.T) {
	g, err := GateFromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, DefaultGate(), g)
}

func TestGateReadsEverySetting(t *testing.T) {
	g, err := GateFromEnv(env(map[string]string{
		"BERTH_MAX_CONCURRENT_OPS":   "2",
		"BERTH_MAX_CONCURRENT_PULLS": "3",
		"BERTH_OPS_PER_SECOND":       "5.5",
		"BERTH_OPS_BURST":            "3",
		"DOCKER_OPERATION_COOLDOWN":  "0.5",
		"BERTH_BREAKER_THRESHOLD":    "7",
		"BERTH_BREAKER_OPEN_FOR":     "1m",
		"BERTH_RETRY_ATTEMPTS":       "2",
		"BERTH_RETRY_INITIAL":        "10ms",
		"BERTH_READ_TIMEOUT":         "5s",
		"BERTH_WRITE_TIMEOUT":        "1m",
		"BERTH_STATE_DIR":            "/tmp/x",
	}))
	require.NoError(t, err)
	assert.Equal(t, Gate{MaxConcurrentOps: 2, MaxConcurrentPulls: 3, OpsPerSecond: 5.5, Burst: 3, MinInterval: 500 * time.Millisecond,
		BreakerThreshold: 7, BreakerOpenFor: time.Minute, RetryAttempts: 2, RetryInitial: 10 * time.Millisecond,
		ReadTimeout: 5 * time.Second, WriteTimeout: time.Minute, StateDir: "/tmp/x"}, g)
}

func TestGateRefusesBadValuesNamingTheSetting(t *testing.T) {
	bad := map[string][]string{
		"BERTH_MAX_CONCURRENT_OPS":   {"0", "-1", "four", "1.5"},
		"BERTH_MAX_CONCURRENT_PULLS": {"0", "two"},
		"BERTH_OPS_PER_SECOND":       {"0", "-2", "fast", "Inf", "NaN"},
		"BERTH_OPS_BURST":            {"0", "x"},
		"DOCKER_OPERATION_COOLDOWN":  {"-1", "soon", "5 s"},
		"BERTH_OPERATION_COOLDOWN":   {"-1s"},
		"BERTH_BREAKER_THRESHOLD":    {"0", "many"},
		"BERTH_BREAKER_OPEN_FOR":     {"0", "-5s", "forever"},
		"BERTH_RETRY_ATTEMPTS":       {"0", "x"},
		"BERTH_RETRY_INITIAL":        {"0s", "x"},
		"BERTH_READ_TIMEOUT":         {"0", "-1s", "never"},
		"BERTH_WRITE_TIMEOUT":        {"0s", "long"},
	}
	for name, values := range bad {
		for _, v := range values {
			t.Run(name+"="+v, func(t *testing.T) {
				_, err := GateFromEnv(env(map[string]string{name: v}))
				var se *SettingError
				require.True(t, errors.As(err, &se), "got %v", err)
				assert.Equal(t, name, se.Name)
				assert.Contains(t, err.Error(), name)
			})
		}
	}
	assert.ElementsMatch(t, DefaultGate().Names(), keys(bad), "every setting has a bad-value case")
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"30": 30 * time.Second, "0.25": 250 * time.Millisecond, "5m": 5 * time.Minute, " 2s ": 2 * time.Second, "0": 0} {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}
