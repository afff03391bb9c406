package compose

import (
	"fmt"
	"strings"
)

// Error is a problem with the user's compose input: malformed YAML, an
// unsupported key, a reference to something undefined, an invalid value or
// a missing file. Every bad-input error [Load] returns is an *Error (or an
// errors.Join of them), reachable with errors.As; the CLI maps it to exit
// code 2. File is the file as the user named it (relative to the working
// directory when it lies inside it), Key the dotted key path in that file
// ("services.web.privileged"), Line the 1-based line when known, else 0.
type Error struct {
	File string
	Key  string
	Line int
	Msg  string
}

// Error formats the problem as "file:line: key: message", leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// errAt builds an *Error at a located key.
func errAt(l loc, key, format string, args ...any) *Error {
	return &Error{File: l.file, Line: l.line, Key: key, Msg: fmt.Sprintf(format, args...)}
}
