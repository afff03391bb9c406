package compose

import (
	"fmt"
	"log/slog"
)

// redacted is what a [Sensitive] value shows instead of its content.
const redacted = "[redacted]"

// Sensitive is the content of a secret or config: it never prints (fmt,
// slog), never marshals to JSON and so is never part of the configuration
// hash. Only [Sensitive.Bytes] gives the content, to whoever writes the
// file the container mounts.
type Sensitive struct{ b []byte }

// NewSensitive wraps content.
func NewSensitive(content []byte) Sensitive { return Sensitive{b: append([]byte(nil), content...)} }

// Bytes returns a copy of the content.
func (s Sensitive) Bytes() []byte { return append([]byte(nil), s.b...) }

// Len is the content's length in bytes.
func (s Sensitive) Len() int { return len(s.b) }

// String returns "[redacted]".
func (s Sensitive) String() string { return redacted }

// GoString returns "[redacted]".
func (s Sensitive) GoString() string { return redacted }

// Format writes "[redacted]" whatever the verb.
func (s Sensitive) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue is "[redacted]".
func (s Sensitive) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "[redacted]".
func (s Sensitive) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText writes "[redacted]".
func (s Sensitive) MarshalText() ([]byte, error) { return []byte(redacted), nil }
