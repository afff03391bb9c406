package config

import (
	"strconv"
	"time"
)

// Restart holds the restart limiter's settings read from the process
// environment. Nil fields were not set, so x-berth or the defaults apply.
// Where two variables name one setting, the BERTH_ one wins.
type Restart struct {
	Cooldown    *time.Duration // BERTH_RESTART_COOLDOWN / DOCKER_RESTART_COOLDOWN; 0 allowed (no cooldown)
	MaxAttempts *int           // BERTH_MAX_RESTART_ATTEMPTS / DOCKER_MAX_RESTART_ATTEMPTS; at least 1
	Window      *time.Duration // BERTH_RESTART_WINDOW; greater than zero
	// BreakerOpenFor is BERTH_RESTART_BREAKER_OPEN_FOR: how long the breaker
	// of a service that keeps dying stays open after its last death.
	BreakerOpenFor *time.Duration
}

// RestartFromEnv reads the restart settings; getenv is os.Getenv in
// production. A bad value is a [*SettingError] naming the variable.
func RestartFromEnv(getenv func(string) string) (Restart, error) {
	l := &lookup{getenv: getenv}
	r := Restart{
		Cooldown:       l.optDuration("BERTH_RESTART_COOLDOWN", "DOCKER_RESTART_COOLDOWN"),
		MaxAttempts:    l.optPositiveInt("BERTH_MAX_RESTART_ATTEMPTS", "DOCKER_MAX_RESTART_ATTEMPTS"),
		Window:         l.optDuration("BERTH_RESTART_WINDOW"),
		BreakerOpenFor: l.optDuration("BERTH_RESTART_BREAKER_OPEN_FOR"),
	}
	if r.Window != nil && *r.Window == 0 {
		l.fail("BERTH_RESTART_WINDOW", getenv("BERTH_RESTART_WINDOW"), "must be greater than zero")
		r.Window = nil
	}
	return r, l.err
}

// Names lists every variable RestartFromEnv reads, for documentation and
// tests.
func (Restart) Names() []string {
	return []string{"BERTH_RESTART_COOLDOWN", "DOCKER_RESTART_COOLDOWN",
		"BERTH_MAX_RESTART_ATTEMPTS", "DOCKER_MAX_RESTART_ATTEMPTS", "BERTH_RESTART_WINDOW",
		"BERTH_RESTART_BREAKER_OPEN_FOR"}
}

func (l *lookup) optPositiveInt(names ...string) *int {
	name, v := l.first(names...)
	if name == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		l.fail(name, v, "want a whole number of at least 1")
		return nil
	}
	return &n
}
