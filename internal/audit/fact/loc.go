package fact

import (
	"fmt"
	"strings"
)

// Loc is a place in a scanned file.
type Loc struct {
	// File is slash-separated and relative to the scanned root.
	File string
	// Line and Col are 1-based; Col counts bytes.
	Line, Col int
}

func (l Loc) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// Unknown stands for a word, or part of one, that a scanner could not
// know without running the code: a variable, an f-string's replacement
// field, a command substitution. A word that contains it is never equal
// to a literal flag or name, so rules that need a literal do not fire.
const Unknown = "\x00"

// Known reports whether s contains no [Unknown] part.
func Known(s string) bool { return !strings.Contains(s, Unknown) }

// Printable replaces [Unknown] parts with "…" for messages.
func Printable(s string) string { return strings.ReplaceAll(s, Unknown, "…") }
