package config

import (
	"strings"
	"time"
)

// Env holds the environment-level settings read from the process
// environment. Nil fields were not set, so x-berth or the defaults apply.
type Env struct {
	Shared      *bool          // BERTH_SHARED / TEST_USE_SHARED_DOCKER
	Production  *bool          // BERTH_PRODUCTION / TEST_USE_PRODUCTION_IMAGES
	Linger      *time.Duration // BERTH_LINGER
	WaitTimeout *time.Duration // BERTH_WAIT_TIMEOUT
	StaleAfter  *time.Duration // BERTH_STALE_AFTER
	// WaitForMemory: BERTH_WAIT_FOR_MEMORY (0 refuses at once).
	WaitForMemory *time.Duration
}

// EnvFromEnv reads the environment-level settings.
func EnvFromEnv(getenv func(string) string) (Env, error) {
	l := &lookup{getenv: getenv}
	e := Env{
		Shared:        l.optBool("BERTH_SHARED", "TEST_USE_SHARED_DOCKER"),
		Production:    l.optBool("BERTH_PRODUCTION", "TEST_USE_PRODUCTION_IMAGES"),
		Linger:        l.optDuration("BERTH_LINGER"),
		WaitTimeout:   l.optDuration("BERTH_WAIT_TIMEOUT"),
		StaleAfter:    l.optDuration("BERTH_STALE_AFTER"),
		WaitForMemory: l.optDuration("BERTH_WAIT_FOR_MEMORY"),
	}
	for _, v := range []struct {
		name string
		d    *time.Duration
	}{{"BERTH_WAIT_TIMEOUT", e.WaitTimeout}, {"BERTH_STALE_AFTER", e.StaleAfter}} {
		if v.d != nil && *v.d == 0 {
			l.fail(v.name, getenv(v.name), "must be greater than zero")
		}
	}
	return e, l.err
}

// ParseBool reads true/false, 1/0, yes/no, on/off (any case).
func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}

func (l *lookup) optBool(names ...string) *bool {
	name, v := l.first(names...)
	if name == "" {
		return nil
	}
	b, ok := ParseBool(v)
	if !ok {
		l.fail(name, v, "want true or false")
		return nil
	}
	return &b
}

func (l *lookup) optDuration(names ...string) *time.Duration {
	name, v := l.first(names...)
	if name == "" {
		return nil
	}
	d, err := ParseDuration(v)
	if err != nil {
		l.fail(name, v, err.Error())
		return nil
	}
	return &d
}
