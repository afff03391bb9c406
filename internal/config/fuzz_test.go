package config

import (
	"errors"
	"testing"
)

// FuzzParseDuration: any input is either refused or a non-negative
// duration (a value past the largest duration once wrapped to a negative
// one and was accepted as a linger).
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30s", "5m", "30", "0.5", "", " 3 ", "1h30m", "-1", "-1s", "NaN", "Inf",
		"1e300", "9223372036", "9223372036.854775", "9223372036.854776", "2562047h47m16.854775807s", "2562048h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v: negative", s, d)
		}
	})
}

// FuzzSettingsFromEnv: any value of any setting is read or refused with a
// SettingError naming that setting; no panic.
func FuzzSettingsFromEnv(f *testing.F) {
	names := append(append(DefaultGate().Names(), Restart{}.Names()...),
		"BERTH_SHARED", "TEST_USE_SHARED_DOCKER", "BERTH_PRODUCTION", "BERTH_LINGER", "BERTH_WAIT_TIMEOUT", "BERTH_STALE_AFTER")
	for i := range names {
		f.Add(uint8(i), map[int]string{0: "1", 1: "0", 2: "-1", 3: "1.5", 4: "yes", 5: "30s", 6: "9223372036.854776"}[i%7])
		f.Add(uint8(i), "")
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		name := names[int(which)%len(names)]
		getenv := env(map[string]string{name: value})
		for _, read := range []func() error{
			func() error { _, err := GateFromEnv(getenv); return err },
			func() error { _, err := RestartFromEnv(getenv); return err },
			func() error { _, err := EnvFromEnv(getenv); return err },
		} {
			err := read()
			if err == nil {
				continue
			}
			var se *SettingError
			if !errors.As(err, &se) || se.Name != name {
				t.Fatalf("%s=%q: %v is not a SettingError naming %s", name, value, err, name)
			}
		}
	})
}
