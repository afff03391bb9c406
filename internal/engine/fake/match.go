package fake

import (
	"fmt"
	"maps"

	"github.com/berth-dev/berth/internal/engine"
)

// matchLabels reports whether have carries every label of want; a want
// value of "" only asks for the key, as the daemon's label filter does.
func matchLabels(have, want map[string]string) bool {
	for k, v := range want {
		got, ok := have[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}

// mergeLabels returns base overlaid with top, as a new map (never nil).
func mergeLabels(base, top map[string]string) map[string]string {
	m := make(map[string]string, len(base)+len(top))
	maps.Copy(m, base)
	maps.Copy(m, top)
	return m
}

// errorf builds an *engine.Error of kind for op with the daemon-like text.
func errorf(op engine.Op, kind error, format string, args ...any) error {
	return &engine.Error{Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}
