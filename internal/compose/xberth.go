package compose

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/docker/go-units"
)

// parseXBerth reads the merged, interpolated x-berth extension. Its keys
// were checked against the allow-list in the raw files; here its values
// are: durations (Go syntax or plain seconds), a count, memory sizes
// (compose syntax) and image names.
func parseXBerth(v any, locs *locations) (XBerth, error) {
	var xb XBerth
	if v == nil {
		return xb, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return xb, locs.errorf("x-berth", "must be a mapping, not %T", v)
	}
	var err error
	if xb.Linger, err = optDuration(m, "linger", "x-berth", locs); err != nil {
		return xb, err
	}
	if xb.StaleAfter, err = optDuration(m, "stale_after", "x-berth", locs); err != nil {
		return xb, err
	}
	if xb.Readiness, err = readiness(m, locs); err != nil {
		return xb, err
	}
	if r, err := submap(m, "restart", "x-berth", locs); err != nil {
		return xb, err
	} else if r != nil {
		if xb.Restart.Cooldown, err = optDuration(r, "cooldown", "x-berth.restart", locs); err != nil {
			return xb, err
		}
		if xb.Restart.Window, err = optDuration(r, "window", "x-berth.restart", locs); err != nil {
			return xb, err
		}
		if xb.Restart.MaxAttempts, err = optCount(r, "max_attempts", "x-berth.restart", locs); err != nil {
			return xb, err
		}
		if xb.Restart.BreakerOpenFor, err = optDuration(r, "breaker_open_for", "x-berth.restart", locs); err != nil {
			return xb, err
		}
	}
	if xb.Memory, err = memoryMap(m, locs); err != nil {
		return xb, err
	}
	if xb.Production, err = production(m, locs); err != nil {
		return xb, err
	}
	if pool, err := submap(m, "pool", "x-berth", locs); err != nil {
		return xb, err
	} else if pool != nil {
		if xb.PoolSize, err = optCount(pool, "size", "x-berth.pool", locs); err != nil {
			return xb, err
		}
	}
	return xb, nil
}

// readiness reads x-berth.readiness: "probe" or "engine".
func readiness(m map[string]any, locs *locations) (Readiness, error) {
	v, ok := m["readiness"]
	if !ok || v == nil {
		return "", nil
	}
	s, _ := v.(string)
	switch r := Readiness(strings.TrimSpace(s)); r {
	case ReadinessProbe, ReadinessEngine:
		return r, nil
	}
	return "", locs.errorf("x-berth.readiness", `invalid value %q: use "probe" (berth runs the health check itself from the start, the default) or "engine" (only the engine's health status counts)`, fmt.Sprint(v))
}

func submap(m map[string]any, key, parent string, locs *locations) (map[string]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	sub, ok := v.(map[string]any)
	if !ok {
		return nil, locs.errorf(parent+"."+key, "must be a mapping, not %T", v)
	}
	return sub, nil
}

// parseDuration accepts Go syntax ("30s", "5m") or plain seconds ("90", 90, 1.5).
func parseDuration(v any) (time.Duration, error) {
	var secs float64
	switch x := v.(type) {
	case int:
		secs = float64(x)
	case int64:
		secs = float64(x)
	case uint64:
		secs = float64(x)
	case float64:
		secs = x
	case string:
		s := strings.TrimSpace(x)
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			secs = f
			break
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (use Go syntax like 30s or 5m, or plain seconds)", x)
		}
		if d < 0 {
			return 0, fmt.Errorf("invalid duration %q: must not be negative", x)
		}
		return d, nil
	default:
		return 0, fmt.Errorf("invalid duration %v (use Go syntax like 30s or 5m, or plain seconds)", v)
	}
	if secs < 0 || math.IsNaN(secs) {
		return 0, fmt.Errorf("invalid duration %v: must be a non-negative number of seconds", v)
	}
	// secs*1e9 of 2^63 or more wraps to a negative int64: refuse it.
	if ns := secs * float64(time.Second); ns >= float64(math.MaxInt64) {
		return 0, fmt.Errorf("invalid duration %v: too long (at most about 292 years, 9223372036 seconds)", v)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

func optDuration(m map[string]any, key, parent string, locs *locations) (*time.Duration, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return nil, locs.errorf(parent+"."+key, "%v", err)
	}
	return &d, nil
}

func optCount(m map[string]any, key, parent string, locs *locations) (*int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(v)))
	if err != nil || n < 0 {
		return nil, locs.errorf(parent+"."+key, "invalid count %v: must be a whole number >= 0", v)
	}
	return &n, nil
}

// parseSize accepts a byte count or a compose size ("512m", "1.5g").
func parseSize(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), nil
		}
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
		if n, err := units.RAMInBytes(x); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("invalid memory size %q (use bytes or a unit: 512m, 1g, 1536M)", fmt.Sprint(v))
}

func memoryMap(m map[string]any, locs *locations) (map[string]int64, error) {
	mem, err := submap(m, "memory", "x-berth", locs)
	if err != nil || mem == nil {
		return nil, err
	}
	out := make(map[string]int64, len(mem))
	for svc, v := range mem {
		n, err := parseSize(v)
		if err == nil && n <= 0 {
			err = fmt.Errorf("invalid memory size %v: must be positive", v)
		}
		if err != nil {
			return nil, locs.errorf("x-berth.memory."+svc, "%v", err)
		}
		out[svc] = n
	}
	return out, nil
}

func production(m map[string]any, locs *locations) (XProduction, error) {
	var p XProduction
	prod, err := submap(m, "production", "x-berth", locs)
	if err != nil || prod == nil {
		return p, err
	}
	if f, ok := prod["file"]; ok && f != nil {
		s, ok := f.(string)
		if !ok || s == "" {
			return p, locs.errorf("x-berth.production.file", "must be a file path")
		}
		p.File = s
	}
	images, err := submap(prod, "images", "x-berth.production", locs)
	if err != nil || images == nil {
		return p, err
	}
	p.Images = make(map[string]string, len(images))
	for svc, v := range images {
		s, ok := v.(string)
		if !ok || s == "" {
			return p, locs.errorf("x-berth.production.images."+svc, "must be an image reference")
		}
		p.Images[svc] = s
	}
	return p, nil
}
