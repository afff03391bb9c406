package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Plain writes one line per event, for logs and pipes:
//
//	db: creating
//	db: ready after 1.2s
type Plain struct {
	mu sync.Mutex
	w  io.Writer
}

// NewPlain returns a [Plain] reporter writing to w.
func NewPlain(w io.Writer) *Plain { return &Plain{w: w} }

// Service writes one line. Write errors are ignored: progress is advisory.
func (p *Plain) Service(name string, phase Phase, d time.Duration) {
	line := name + ": " + string(phase)
	if d > 0 {
		line += " after " + Round(d).String()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = fmt.Fprintln(p.w, line)
}

// Round rounds d for display: milliseconds under a second, tenths above.
func Round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
