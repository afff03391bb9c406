package goscan

import (
	"bytes"
	"go/scanner"
	"go/token"
	"strconv"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// mayRun reports whether src may import os/exec (or a wrapper named
// exec) or a Docker SDK: only such a file can hold a command or an SDK
// call.
func mayRun(src []byte) bool {
	if bytes.Contains(src, []byte(`/exec"`)) {
		return true
	}
	for _, p := range sdkPaths {
		if bytes.Contains(src, []byte(`"`+p)) {
			return true
		}
	}
	return false
}

// refsOnly tokenizes src for the string literals that name compose
// files. A file that does not tokenize is an error, as it would not
// parse.
func refsOnly(path string, src []byte) (fact.Facts, error) {
	var out fact.Facts
	if !bytes.Contains(src, []byte("compose")) {
		return out, nil
	}
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok != token.STRING {
			continue
		}
		if v, err := strconv.Unquote(lit); err == nil && fact.IsComposeName(v) {
			p := fset.Position(pos)
			out.Refs = append(out.Refs, fact.ComposeRef{Loc: fact.Loc{File: path, Line: p.Line, Col: p.Column}, Path: v})
		}
	}
	if errs.Len() > 0 {
		return fact.Facts{}, errs.Err()
	}
	return out, nil
}
