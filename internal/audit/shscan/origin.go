package shscan

import "github.com/berth-dev/berth/internal/audit/fact"

// Origin is where a piece of shell source sits and what runs it.
type Origin struct {
	// File is the slash-separated path relative to the scanned root.
	File string
	// Line and Col are where the source's first byte is in File (1 and 1
	// for a whole script).
	Line, Col int
	// Indent is added to the column of every line after the first: the
	// indentation a YAML block scalar or a Makefile recipe removed.
	Indent int
	Sink   fact.Sink
	// Env is the environment the source starts with (a CI job's env:).
	Env map[string]string
	// Blocks numbers statement lists; nil gives the source its own.
	Blocks *fact.Blocks
	// Embedded, when set, is the context of the statement that runs the
	// source (a Python subprocess call with a shell string): a source of
	// one command takes that context, so it is sequenced with the calls
	// around it; a longer one gets blocks of its own inside its loop.
	Embedded *fact.Context
	// List, when set, is the statement list the source's top-level
	// statements continue (the recipe lines of one Makefile rule, the
	// items of a CI script list, each run by the same shell in turn);
	// nil gives the source a list of its own.
	List *List
	// Test marks test code.
	Test bool
}

// List is a statement list that several sources continue in turn.
type List struct {
	Block int // its block number
	Next  int // the step its next statement takes
}

// loc maps a position of the parsed source to the file.
func (o Origin) loc(line, col uint) fact.Loc {
	l := fact.Loc{File: o.File, Line: o.Line + int(line) - 1, Col: int(col)}
	if line == 1 {
		l.Col += o.Col - 1
	} else {
		l.Col += o.Indent
	}
	return l
}
