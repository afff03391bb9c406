package stress

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
)

// RunID returns a short random name part (8 hex digits) for one run's
// compose projects and sentinel.
func RunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randInt() uint32 {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return binary.LittleEndian.Uint32(b)
}
