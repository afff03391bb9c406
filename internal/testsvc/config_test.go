package testsvc

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse(nil, envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, Config{Name: "testsvc", Ports: []int{8080}, ExitCode: 1}, c)
}

func TestParseEnv(t *testing.T) {
	c, err := Parse(nil, envOf(map[string]string{
		"TESTSVC_NAME":            "web",
		"TESTSVC_PORTS":           "80, 9090,",
		"TESTSVC_START_DELAY":     "1.5",
		"TESTSVC_UNHEALTHY_AFTER": "2m",
		"TESTSVC_CRASH_AFTER":     "3s",
		"TESTSVC_EXIT_CODE":       "42",
		"TESTSVC_IGNORE_SIGTERM":  "1",
		"TESTSVC_HOLD_MB":         "16",
		"TESTSVC_LOG":             "hello",
		"TESTSVC_LOG_EVERY":       "250ms",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, Config{
		Name: "web", Ports: []int{80, 9090},
		StartDelay: 1500 * time.Millisecond, UnhealthyAfter: 2 * time.Minute,
		CrashAfter: 3 * time.Second, ExitCode: 42, IgnoreSIGTERM: true,
		HoldMB: 16, Log: "hello", LogEvery: 250 * time.Millisecond,
	}, c)
}

func TestParseFlagsOverrideEnv(t *testing.T) {
	env := envOf(map[string]string{"TESTSVC_PORTS": "1", "TESTSVC_EXIT_CODE": "3", "TESTSVC_IGNORE_SIGTERM": "0"})
	c, err := Parse([]string{"--ports=7,8", "--exit-code", "9", "--ignore-sigterm", "--crash-after=2"}, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []int{7, 8}, c.Ports)
	assert.Equal(t, 9, c.ExitCode)
	assert.True(t, c.IgnoreSIGTERM)
	assert.Equal(t, 2*time.Second, c.CrashAfter)
}

func TestParseRejectsBadValues(t *testing.T) {
	for key, val := range map[string]string{
		"PORTS":           "http",
		"START_DELAY":     "soon",
		"UNHEALTHY_AFTER": "-1s",
		"CRASH_AFTER":     "NaN",
		"LOG_EVERY":       "1e300",
		"EXIT_CODE":       "256",
		"HOLD_MB":         "-1",
		"IGNORE_SIGTERM":  "maybe",
	} {
		t.Run(key, func(t *testing.T) {
			_, err := Parse(nil, envOf(map[string]string{"TESTSVC_" + key: val}), io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "TESTSVC_"+key)
		})
	}
}

func TestParseReportsEveryBadValue(t *testing.T) {
	_, err := Parse(nil, envOf(map[string]string{"TESTSVC_PORTS": "x", "TESTSVC_HOLD_MB": "y"}), io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TESTSVC_PORTS")
	assert.Contains(t, err.Error(), "TESTSVC_HOLD_MB")
}

func TestParseRejectsStrayArgsAndUnknownFlags(t *testing.T) {
	_, err := Parse([]string{"serve"}, envOf(nil), io.Discard)
	require.ErrorContains(t, err, `unexpected argument "serve"`)
	_, err = Parse([]string{"--nope"}, envOf(nil), io.Discard)
	require.Error(t, err)
}

func TestParsePorts(t *testing.T) {
	p, err := ParsePorts("0,65535")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 65535}, p)
	for _, bad := range []string{"", " , ", "65536", "-1", "80;81"} {
		_, err := ParsePorts(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "3": 3 * time.Second, "0.25": 250 * time.Millisecond,
		"1m30s": 90 * time.Second, " 2s ": 2 * time.Second,
	} {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"x", "-3", "-1ms", "Inf", "-Inf", "NaN", "3 s"} {
		_, err := ParseDuration(bad)
		assert.Error(t, err, bad)
	}
}
