package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ANSI sequences the live view uses.
const (
	cursorUp  = "\x1b[%dA" // move up n lines
	clearLine = "\r\x1b[2K"
)

// TTY redraws one line per service in place on every event, with the
// time each took so far:
//
//	✔ db    ready     1.2s
//	… api   waiting   0.4s
//
// Lines are drawn in the order services first report. Nothing else should
// write to the same terminal while it draws, or lines scroll out of place.
// The view changes only when a service reports.
type TTY struct {
	mu    sync.Mutex
	w     io.Writer
	order []string
	rows  map[string]row
	drawn int // lines drawn by the last redraw
}

type row struct {
	phase  Phase
	d      time.Duration
	detail string // what the phase has done so far (a pull's layers and bytes)
}

// NewTTY returns a [TTY] reporter drawing on w.
func NewTTY(w io.Writer) *TTY { return &TTY{w: w, rows: map[string]row{}} }

// Service records the event and redraws. Write errors are ignored.
func (t *TTY) Service(name string, phase Phase, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.rows[name]; !ok {
		t.order = append(t.order, name)
	}
	t.rows[name] = row{phase: phase, d: d, detail: t.rows[name].detail}
	_, _ = io.WriteString(t.w, t.render())
	t.drawn = len(t.order)
}

// Pull shows service's pull progress next to its phase and redraws.
func (t *TTY) Pull(service string, s PullState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.rows[service]; !ok {
		t.order = append(t.order, service)
	}
	r := t.rows[service]
	r.phase, r.detail = Pulling, s.Image+": "+s.String()
	t.rows[service] = r
	_, _ = io.WriteString(t.w, t.render())
	t.drawn = len(t.order)
}

// render returns the bytes that move to the top of the previous drawing
// and draw every line again.
func (t *TTY) render() string {
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, cursorUp, t.drawn)
	}
	width := 0
	for _, n := range t.order {
		width = max(width, len(n))
	}
	for _, n := range t.order {
		r := t.rows[n]
		line := fmt.Sprintf("%s %-*s  %-9s %s", symbol(r.phase), width, n, r.phase, Round(r.d))
		if r.detail != "" && (r.phase == Pulling || r.phase == Pulled || r.phase == Building) {
			line += "  " + r.detail
		}
		fmt.Fprintf(&b, "%s%s\n", clearLine, line)
	}
	return b.String()
}

func symbol(p Phase) string {
	switch {
	case p.Done():
		return "✔"
	case p == Failed:
		return "✘"
	default:
		return "…"
	}
}
