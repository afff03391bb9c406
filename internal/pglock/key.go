package pglock

import (
	"crypto/sha256"
	"encoding/binary"
)

// Key is the advisory lock key of name in scope: the first 64 bits of the
// SHA-256 of scope, a zero byte and name. Distinct (scope, name) pairs
// collide with probability about n²/2⁶⁵ for n keys in use.
func Key(scope, name string) int64 {
	h := sha256.New()
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return int64(binary.BigEndian.Uint64(h.Sum(nil)[:8]))
}
