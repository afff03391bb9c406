package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Plain writes one line per event, for logs and pipes:
//
//	db: pulling postgres:16: 0/1 layers
//	db: pulling postgres:16: 1/1 layers, 40.1MB/40.1MB
//	db: creating
//	db: ready after 1.2s
//
// A pull writes a line when it starts and whenever another of its layers
// completes, not for every chunk of bytes.
type Plain struct {
	mu    sync.Mutex
	w     io.Writer
	pulls map[string]int // service -> layers done at its last pull line
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

// Pull writes a line when service's pull starts or completes another layer.
func (p *Plain) Pull(service string, s PullState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if last, seen := p.pulls[service]; seen && last == s.Done {
		return
	}
	if p.pulls == nil {
		p.pulls = map[string]int{}
	}
	p.pulls[service] = s.Done
	_, _ = fmt.Fprintf(p.w, "%s: pulling %s: %s\n", service, s.Image, s)
}

// Round rounds d for display: milliseconds under a second, tenths above.
func Round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
