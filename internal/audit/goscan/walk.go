package goscan

import (
	"go/ast"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// nested walks a statement list of its own.
func (w *walker) nested(list []ast.Stmt, ctx fact.Context) {
	ctx.Block = w.blocks.New()
	for i, s := range list {
		ctx.Step = i
		w.stmt(s, ctx)
	}
}

func (w *walker) stmt(s ast.Stmt, ctx fact.Context) {
	switch s := s.(type) {
	case *ast.BlockStmt:
		w.nested(s.List, ctx)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt, ctx)
	case *ast.IfStmt:
		w.exprs(s.Init, ctx)
		w.exprs(s.Cond, ctx)
		w.nested(s.Body.List, ctx)
		if s.Else != nil {
			w.nested([]ast.Stmt{s.Else}, ctx)
		}
	case *ast.ForStmt:
		lctx := ctx
		lctx.Loop = &fact.Loop{Loc: w.loc(s.For), Bounded: forBounded(s), Delay: delays(s.Body) || delays(s.Cond) || delays(s.Post)}
		w.exprs(s.Init, ctx)
		w.exprs(s.Cond, lctx)
		w.exprs(s.Post, lctx)
		w.nested(s.Body.List, lctx)
	case *ast.RangeStmt:
		lctx := ctx
		lctx.Loop = &fact.Loop{Loc: w.loc(s.For), Bounded: true, Delay: delays(s.Body) || ranged(s.X)}
		w.exprs(s.X, ctx)
		w.nested(s.Body.List, lctx)
	case *ast.SwitchStmt:
		w.exprs(s.Init, ctx)
		w.exprs(s.Tag, ctx)
		w.clauses(s.Body, ctx)
	case *ast.TypeSwitchStmt:
		w.exprs(s.Init, ctx)
		w.exprs(s.Assign, ctx)
		w.clauses(s.Body, ctx)
	case *ast.SelectStmt:
		w.clauses(s.Body, ctx)
	default:
		w.exprs(s, ctx)
	}
}

// clauses walks each case of a switch or select as a list of its own.
func (w *walker) clauses(body *ast.BlockStmt, ctx fact.Context) {
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			w.nested(c.Body, ctx)
		case *ast.CommClause:
			w.exprs(c.Comm, ctx)
			w.nested(c.Body, ctx)
		}
	}
}

// exprs records the calls and literals in n; a function literal's body
// is a statement list of its own, inside the same loop.
func (w *walker) exprs(n ast.Node, ctx fact.Context) {
	if n == nil || isNil(n) {
		return
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			w.nested(n.Body.List, ctx)
			return false
		case *ast.CallExpr:
			w.call(n, ctx)
		case *ast.BasicLit:
			w.ref(n)
		}
		return true
	})
}

// isNil reports a nil statement or expression stored in an interface.
func isNil(n ast.Node) bool {
	switch n := n.(type) {
	case ast.Stmt:
		return n == nil
	case ast.Expr:
		return n == nil
	}
	return false
}
