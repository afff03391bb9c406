package pyscan

import (
	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
)

// File returns the facts of one Python file: path is slash-separated
// and relative to the scanned root; test marks test code. A file the
// tokenizer refuses returns the error and no facts.
func File(path string, src []byte, test bool) (fact.Facts, error) {
	toks, err := pytok.Tokenize(src)
	if err != nil {
		return fact.Facts{}, err
	}
	f := &fileScan{path: path, blocks: &fact.Blocks{}, names: map[string]string{}}
	statements(toks, path, test, f.blocks, f.stmt)
	for i := range f.out.Calls {
		f.out.Calls[i].SDK = f.sdk
	}
	return f.out, nil
}

// fileScan is the state of one file's scan.
type fileScan struct {
	path   string
	blocks *fact.Blocks
	names  map[string]string // import bindings
	sdk    bool              // a Docker SDK is imported
	out    fact.Facts
}

func (f *fileScan) stmt(s stmt) {
	switch firstWord(s.toks) {
	case "import", "from":
		f.sdk = imports(s.toks, f.names) || f.sdk
		return
	}
	if allStrings(s.toks) {
		return // a docstring, or a string statement: it runs nothing
	}
	for _, c := range findCalls(s.toks) {
		name := resolve(c.dotted(), f.names)
		if sleepNames[name] {
			for _, l := range s.loops {
				l.Delay = true
			}
		}
		if sk, ok := sinks[name]; ok {
			f.out.Commands = append(f.out.Commands, f.commands(s, c, sk)...)
		}
		if sdkMethods[c.name] && len(c.recv) > 0 && !moduleCall(c, f.names) {
			f.out.Calls = append(f.out.Calls, sdkCall(f.path, s, c))
		}
	}
	for _, tk := range s.toks {
		if tk.Kind == pytok.String && fact.IsComposeName(tk.Value) {
			f.out.Refs = append(f.out.Refs, fact.ComposeRef{Loc: fact.Loc{File: f.path, Line: tk.Line, Col: tk.Col}, Path: tk.Value})
		}
	}
	if len(s.toks) > 2 && s.toks[0].Kind == pytok.Name && s.toks[1].IsOp("=") {
		s.scope.vars[s.toks[0].Text] = eval(s.toks[2:], s.scope)
	}
}
