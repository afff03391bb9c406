package goscan

import (
	"go/ast"
	"go/token"
	"strings"
)

// forBounded reports whether a for statement's condition can end it: a
// comparison (i < n), or a context or clock check (ctx.Err() == nil,
// time.Now().Before(deadline)).
func forBounded(s *ast.ForStmt) bool {
	if s.Cond == nil {
		return false
	}
	bounded := false
	ast.Inspect(s.Cond, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			switch n.Op {
			case token.LSS, token.LEQ, token.GTR, token.GEQ:
				bounded = true
			}
		case *ast.SelectorExpr:
			switch n.Sel.Name {
			case "Err", "Done", "Before", "After", "Since", "Until":
				bounded = true
			}
		}
		return !bounded
	})
	return bounded
}

// delays reports whether n pauses: a time.Sleep/After/Tick/NewTimer/
// NewTicker call, a channel receive, a select, or a call whose name
// says sleep or backoff.
func delays(n ast.Node) bool {
	if n == nil || isNil(n) {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			found = found || n.Op == token.ARROW
		case *ast.SelectStmt:
			found = true
		case *ast.CallExpr:
			name := ""
			switch f := n.Fun.(type) {
			case *ast.SelectorExpr:
				name = f.Sel.Name
				if x, ok := f.X.(*ast.Ident); ok && x.Name == "time" {
					switch name {
					case "Sleep", "After", "Tick", "NewTimer", "NewTicker", "AfterFunc":
						found = true
					}
				}
			case *ast.Ident:
				name = f.Name
			}
			lower := strings.ToLower(name)
			found = found || strings.Contains(lower, "sleep") || strings.Contains(lower, "backoff")
		}
		return !found
	})
	return found
}

// ranged reports a range over a ticker's or timer's channel (x.C): each
// turn waits for it.
func ranged(x ast.Expr) bool {
	sel, ok := x.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "C"
}
