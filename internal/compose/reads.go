package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// reads records what a [Load] depended on besides its options: every file
// it read or looked for (with a hash of its content, "" when absent) and
// every variable it looked up (with the value it got). [LoadCached] keys
// its cache on them. A nil *reads records nothing.
type reads struct {
	mu    sync.Mutex
	files map[string]string
	vars  map[string]string
	// uncacheable says the result depends on something not recorded (an
	// interpolated extends file name, secret or config content).
	uncacheable bool
}

func newReads() *reads { return &reads{files: map[string]string{}, vars: map[string]string{}} }

// file records that path had content b (nil with absent: it did not exist).
func (r *reads) file(path string, b []byte, absent bool) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[path] = contentSum(b, absent)
}

// getenv wraps getenv so that every lookup is recorded.
func (r *reads) getenv(getenv func(string) string) func(string) string {
	if r == nil {
		return getenv
	}
	return func(k string) string {
		v := getenv(k)
		r.mu.Lock()
		r.vars[k] = v
		r.mu.Unlock()
		return v
	}
}

func (r *reads) cannotCache() {
	if r != nil {
		r.uncacheable = true
	}
}

// contentSum is the hash of a file's content as the cache compares it; ""
// for a file that does not exist.
func contentSum(b []byte, absent bool) string {
	if absent {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
