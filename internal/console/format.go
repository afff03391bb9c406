package console

import (
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// formatter renders log lines: an optional coloured "service | " prefix
// padded to the longest service name, an optional timestamp.
type formatter struct {
	names []string
	width int
	o     LogsOptions
}

// colours cycle over services, as compose does.
var colours = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

func newFormatter(targets []Target, o LogsOptions) formatter {
	f := formatter{o: o}
	for _, t := range targets {
		f.names = append(f.names, t.Service)
		f.width = max(f.width, len(t.Service))
	}
	return f
}

func (f formatter) format(i int, l engine.LogLine) string {
	s := ""
	if f.o.Prefix {
		p := fmt.Sprintf("%-*s |", f.width, f.names[i])
		if f.o.Color {
			p = "\x1b[" + colours[i%len(colours)] + "m" + p + "\x1b[0m"
		}
		s = p + " "
	}
	if f.o.Timestamps && !l.Time.IsZero() {
		s += l.Time.UTC().Format(time.RFC3339Nano) + " "
	}
	return s + l.Text + "\n"
}

func engineNotFound(err error) bool { return errors.Is(err, engine.ErrNotFound) }
