package fact

import (
	"path"
	"strings"
)

// Parallel is a test invocation that runs several instances at once and
// is not a command of its own: a CI matrix on self-hosted runners, or
// pytest-xdist workers set in a pytest configuration file. (Parallel
// command lines, such as pytest -n 4 or cmd &, are [Command]s.)
type Parallel struct {
	Loc  Loc
	What string // "CI matrix on self-hosted runners", "pytest addopts -n auto"
}

// ComposeRef is a mention of a compose file: a -f argument of a compose
// command, or a string literal naming a compose file in code.
type ComposeRef struct {
	Loc  Loc
	Path string // as written, resolved later against the referring file
}

// Unparsed is a piece of a file a parser refused (a CI run: block, a
// Makefile recipe line): it was left out, not guessed at.
type Unparsed struct {
	Loc    Loc
	Reason string
}

// Facts is everything the scanners learned from a set of files.
type Facts struct {
	Commands []Command
	Calls    []Call
	Compose  []ComposeFile
	Parallel []Parallel
	Refs     []ComposeRef
	Unparsed []Unparsed
}

// Add appends o's facts to f.
func (f *Facts) Add(o Facts) {
	f.Commands = append(f.Commands, o.Commands...)
	f.Calls = append(f.Calls, o.Calls...)
	f.Compose = append(f.Compose, o.Compose...)
	f.Parallel = append(f.Parallel, o.Parallel...)
	f.Refs = append(f.Refs, o.Refs...)
	f.Unparsed = append(f.Unparsed, o.Unparsed...)
}

// IsComposeName reports whether p names a compose file: a YAML file
// whose base name contains "compose".
func IsComposeName(p string) bool {
	if !Known(p) || strings.ContainsAny(p, " \n") {
		return false
	}
	base := strings.ToLower(path.Base(p))
	return strings.Contains(base, "compose") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml"))
}
