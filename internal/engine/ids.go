package engine

import "strings"

// SameContainer compares container IDs that may be abbreviated (the
// events stream and the store may hold a prefix of the full ID).
func SameContainer(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}
