package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
)

// buildTailLines is how many lines of build output a failure quotes.
const buildTailLines = 10

// Lines of the classic builder's output that [buildOutput] follows.
// Read-only after package initialisation.
var (
	buildStepLine     = regexp.MustCompile(`^Step \d+/\d+ : (.*)$`)
	buildRunningLine  = regexp.MustCompile(`^ ---> Running in ([0-9a-f]{12,64})\s*$`)
	buildRemovingLine = regexp.MustCompile(`^Removing intermediate container ([0-9a-f]{12,64})\s*$`)
	// The classic builder colours a step's stderr (ESC[91m ... ESC[0m).
	ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
)

// buildOutput follows the JSON message stream of a classic build: it keeps
// the last lines of output, the instruction of the step being run, and the
// intermediate container of that step until the builder removes it, so a
// failure can be reported with context and its container cleaned up.
type buildOutput struct {
	tail    []string      // last complete lines, at most buildTailLines
	partial string        // text after the last newline
	step    string        // instruction of the current step, e.g. "FROM base:1"
	running string        // intermediate container of the current step; "" once removed
	steps   *classicSteps // reports steps when not nil
}

// buildFailed is an error message in the build stream: the build ran and
// one of its steps failed.
type buildFailed struct{ msg string }

func (f *buildFailed) Error() string { return f.msg }

// read decodes stream r to its end. It returns nil when the stream ended
// without an error message, a *buildFailed for an error message, and any
// other error when the stream itself broke (or its context ended).
func (b *buildOutput) read(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			jsonstream.Message
			ErrorText string `json:"error"`
		}
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			b.flush()
			if b.steps != nil {
				b.steps.end()
			}
			return nil
		}
		if err != nil {
			b.flush()
			return fmt.Errorf("read build output: %w", err)
		}
		b.write(m.Stream)
		switch {
		case m.Error != nil && m.Error.Message != "":
			b.flush()
			return &buildFailed{msg: m.Error.Message}
		case m.ErrorText != "":
			b.flush()
			return &buildFailed{msg: m.ErrorText}
		}
	}
}

// write adds output text, which may hold several lines or part of one.
func (b *buildOutput) write(s string) {
	if s == "" {
		return
	}
	lines := strings.Split(b.partial+s, "\n")
	b.partial = lines[len(lines)-1]
	for _, l := range lines[:len(lines)-1] {
		b.line(l)
	}
}

// flush ends a partial last line.
func (b *buildOutput) flush() {
	if b.partial != "" {
		l := b.partial
		b.partial = ""
		b.line(l)
	}
}

func (b *buildOutput) line(l string) {
	l = strings.TrimRight(ansiEscape.ReplaceAllString(l, ""), "\r")
	if b.steps != nil {
		b.steps.line(l)
	}
	if m := buildStepLine.FindStringSubmatch(l); m != nil {
		b.step, b.running = m[1], ""
	} else if m := buildRunningLine.FindStringSubmatch(l); m != nil {
		b.running = m[1]
	} else if m := buildRemovingLine.FindStringSubmatch(l); m != nil && m[1] == b.running {
		b.running = ""
	}
	if strings.TrimSpace(l) == "" {
		return
	}
	b.tail = append(b.tail, l)
	if len(b.tail) > buildTailLines {
		b.tail = append(b.tail[:0], b.tail[len(b.tail)-buildTailLines:]...)
	}
}

// fromStep returns the image a FROM step names, if the current step is one.
func (b *buildOutput) fromStep() (string, bool) {
	fields := strings.Fields(b.step)
	if len(fields) < 2 || !strings.EqualFold(fields[0], "FROM") {
		return "", false
	}
	for _, f := range fields[1:] {
		if !strings.HasPrefix(f, "--") { // skip --platform=...
			return f, true
		}
	}
	return "", false
}

// lastLines is the kept output, indented, for an error message.
func (b *buildOutput) lastLines() string {
	if len(b.tail) == 0 {
		return "(no build output)"
	}
	return "  " + strings.Join(b.tail, "\n  ")
}
