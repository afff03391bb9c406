package goscan

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

//go:embed sdkpaths.txt
var sdkPathsFile string

// sdkPaths are the import path prefixes of Docker SDKs (sdkpaths.txt: a
// list of what the scanned code may import, kept as data).
var sdkPaths = func() []string {
	var out []string
	for l := range strings.Lines(sdkPathsFile) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}()

// File returns the facts of one Go file: path is slash-separated and
// relative to the scanned root; test marks test code. A file go/parser
// refuses returns the error and no facts.
//
// Most Go files run no command and use no Docker SDK: a file that
// imports neither os/exec nor an SDK is only tokenized, for the compose
// files its string literals name, which is several times cheaper than
// parsing it.
func File(path string, src []byte, test bool) (fact.Facts, error) {
	if !mayRun(src) {
		return refsOnly(path, src)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return fact.Facts{}, err
	}
	w := &walker{fset: fset, path: path, test: test, blocks: &fact.Blocks{}, imports: map[string]string{}, consts: consts(f)}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		w.imports[name] = p
		for _, s := range sdkPaths {
			w.sdk = w.sdk || strings.HasPrefix(p+"/", s)
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				w.nested(d.Body.List, fact.Context{Test: test})
			}
		case *ast.GenDecl:
			w.exprs(d, fact.Context{Block: w.blocks.New(), Test: test})
		}
	}
	return w.out, nil
}

// walker collects one file's facts.
type walker struct {
	fset    *token.FileSet
	path    string
	test    bool
	sdk     bool
	blocks  *fact.Blocks
	imports map[string]string // local name -> import path
	consts  map[string]string // string constants of the file
	out     fact.Facts
}

func (w *walker) loc(p token.Pos) fact.Loc {
	pos := w.fset.Position(p)
	return fact.Loc{File: w.path, Line: pos.Line, Col: pos.Column}
}

// consts collects the file's string constants (const X = "docker").
func consts(f *ast.File) map[string]string {
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			return true
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
		return true
	})
	return out
}

// ref records a string literal that names a compose file.
func (w *walker) ref(lit *ast.BasicLit) {
	if lit.Kind != token.STRING {
		return
	}
	s, err := strconv.Unquote(lit.Value)
	if err == nil && fact.IsComposeName(s) {
		w.out.Refs = append(w.out.Refs, fact.ComposeRef{Loc: w.loc(lit.Pos()), Path: s})
	}
}
