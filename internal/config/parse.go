package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// SettingError is a setting with a value berth cannot use.
type SettingError struct {
	Name   string // the environment variable or flag
	Value  string
	Reason string
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("bad setting %s=%q: %s", e.Name, e.Value, e.Reason)
}

// ParseDuration reads Go duration syntax or plain (possibly fractional)
// seconds. Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) {
			return 0, fmt.Errorf("want a non-negative duration such as 30s, 5m or 30")
		}
		// float64(MaxInt64) rounds up to 2^63, so a value equal to it
		// would wrap to a negative duration: refuse it with the rest.
		if secs*float64(time.Second) >= math.MaxInt64 {
			return 0, fmt.Errorf("too large: the longest duration is about 292 years")
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 30s, 5m or 30 (seconds)")
	}
	if d < 0 {
		return 0, fmt.Errorf("want a non-negative duration such as 30s, 5m or 30")
	}
	return d, nil
}

// lookup reads settings by name, remembering the first error.
type lookup struct {
	getenv func(string) string
	err    error
}

func (l *lookup) fail(name, value, reason string) {
	if l.err == nil {
		l.err = &SettingError{Name: name, Value: value, Reason: reason}
	}
}

// first returns the first non-empty variable of names and its name.
func (l *lookup) first(names ...string) (name, value string) {
	for _, n := range names {
		if v := strings.TrimSpace(l.getenv(n)); v != "" {
			return n, v
		}
	}
	return "", ""
}

func (l *lookup) duration(def time.Duration, names ...string) time.Duration {
	name, v := l.first(names...)
	if name == "" {
		return def
	}
	d, err := ParseDuration(v)
	if err != nil {
		l.fail(name, v, err.Error())
		return def
	}
	return d
}

// positiveDuration is duration that also refuses zero.
func (l *lookup) positiveDuration(def time.Duration, names ...string) time.Duration {
	d := l.duration(def, names...)
	if name, v := l.first(names...); name != "" && d == 0 {
		l.fail(name, v, "must be greater than zero")
		return def
	}
	return d
}

func (l *lookup) positiveInt(def int, names ...string) int {
	name, v := l.first(names...)
	if name == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		l.fail(name, v, "want a whole number of at least 1")
		return def
	}
	return n
}

func (l *lookup) positiveFloat(def float64, names ...string) float64 {
	name, v := l.first(names...)
	if name == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		l.fail(name, v, "want a number greater than zero")
		return def
	}
	return f
}
