package shscan

import (
	"maps"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// Script returns the commands shell source src runs, in source order.
// Source the parser refuses gives an error and no commands: a report
// that guesses is worse than one that is silent.
func Script(src string, o Origin) ([]fact.Command, error) {
	src = strings.ReplaceAll(src, fact.Unknown, unknownVar)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), o.File)
	if err != nil {
		return nil, err
	}
	if o.Blocks == nil {
		o.Blocks = &fact.Blocks{}
	}
	w := &walker{o: o, vars: literalVars(f), env: maps.Clone(o.Env), steps: map[int]int{}}
	if w.env == nil {
		w.env = map[string]string{}
	}
	maps.Copy(w.env, exports(f, w))
	ctx := fact.Context{Test: o.Test}
	if o.List != nil {
		ctx.Block = o.List.Block
		w.steps[ctx.Block] = o.List.Next
	} else {
		ctx.Block = o.Blocks.New()
	}
	if o.Embedded != nil {
		ctx.Loop = o.Embedded.Loop
	}
	w.stmts(f.Stmts, ctx, false)
	if o.List != nil {
		o.List.Next = w.steps[ctx.Block]
	}
	if o.Embedded != nil && len(w.out) == 1 && w.out[0].Ctx.Block == ctx.Block {
		w.out[0].Ctx = *o.Embedded
	}
	return w.out, nil
}

// walker collects commands with their context.
type walker struct {
	o     Origin
	vars  map[string]string // variables assigned once, to a literal
	env   map[string]string // exported for the whole file
	steps map[int]int       // next step per block
	out   []fact.Command
}

func (w *walker) step(block int) int {
	s := w.steps[block]
	w.steps[block] = s + 1
	return s
}

// stmts walks a statement list that belongs to ctx.Block.
func (w *walker) stmts(list []*syntax.Stmt, ctx fact.Context, bg bool) {
	for _, s := range list {
		w.stmt(s, ctx, bg)
	}
}

// nested walks a statement list of its own (a branch, a loop body).
func (w *walker) nested(list []*syntax.Stmt, ctx fact.Context, bg bool) {
	ctx.Block = w.o.Blocks.New()
	w.stmts(list, ctx, bg)
}

// stmt walks one statement. Every statement takes a step of its block,
// so that a loop, a test or an assignment between two commands keeps them
// from being adjacent; the commands of a chain or group take one each.
func (w *walker) stmt(s *syntax.Stmt, ctx fact.Context, bg bool) {
	bg = bg || s.Background
	switch s.Cmd.(type) {
	case *syntax.CallExpr, *syntax.BinaryCmd, *syntax.Block, *syntax.Subshell, *syntax.TimeClause:
	default:
		ctx.Step = w.step(ctx.Block)
	}
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(c, ctx, bg)
	case *syntax.BinaryCmd:
		w.stmt(c.X, ctx, bg)
		w.stmt(c.Y, ctx, bg)
	case *syntax.Block:
		w.stmts(c.Stmts, ctx, bg)
	case *syntax.Subshell:
		w.stmts(c.Stmts, ctx, bg)
	case *syntax.TimeClause:
		if c.Stmt != nil {
			w.stmt(c.Stmt, ctx, bg)
		}
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			w.stmts(ic.Cond, ctx, bg)
			w.nested(ic.Then, ctx, bg)
		}
	case *syntax.WhileClause:
		lctx := ctx
		lctx.Loop = &fact.Loop{Loc: w.o.loc(c.WhilePos.Line(), c.WhilePos.Col()),
			Bounded: whileBounded(c), Delay: sleeps(c.Cond) || sleeps(c.Do)}
		w.nested(c.Cond, lctx, bg)
		w.nested(c.Do, lctx, bg)
	case *syntax.ForClause:
		lctx := ctx
		lctx.Loop = &fact.Loop{Loc: w.o.loc(c.ForPos.Line(), c.ForPos.Col()), Bounded: forBounded(c), Delay: sleeps(c.Do)}
		w.nested(c.Do, lctx, bg)
	case *syntax.CaseClause:
		for _, item := range c.Items {
			w.nested(item.Stmts, ctx, bg)
		}
	case *syntax.FuncDecl:
		fctx := ctx
		fctx.Loop = nil
		if w.o.Embedded != nil {
			fctx.Loop = w.o.Embedded.Loop
		}
		w.nested([]*syntax.Stmt{c.Body}, fctx, false)
	case *syntax.DeclClause:
		for _, a := range c.Args {
			w.substitutions(a.Value, ctx)
		}
	}
}

// call records a simple command and the commands its words substitute.
func (w *walker) call(c *syntax.CallExpr, ctx fact.Context, bg bool) {
	step := w.step(ctx.Block)
	for _, a := range c.Assigns {
		w.substitutions(a.Value, ctx)
	}
	if len(c.Args) == 0 {
		return
	}
	cmd := fact.Command{Sink: w.o.Sink, Background: bg, Env: maps.Clone(w.env)}
	for _, a := range c.Assigns {
		if a.Name != nil {
			cmd.Env[a.Name.Value] = w.word(a.Value)
		}
	}
	for _, arg := range c.Args {
		cmd.Args = append(cmd.Args, w.word(arg))
	}
	p := c.Args[0].Pos()
	cmd.Loc = w.o.loc(p.Line(), p.Col())
	cmd.Ctx = ctx
	cmd.Ctx.Step = step
	w.out = append(w.out, cmd)
	for _, arg := range c.Args {
		w.substitutions(arg, ctx)
	}
}

// substitutions walks the command substitutions in word: each is a
// statement list of its own, inside the same loop.
func (w *walker) substitutions(word *syntax.Word, ctx fact.Context) {
	if word == nil {
		return
	}
	syntax.Walk(word, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			w.nested(n.Stmts, ctx, false)
			return false
		case *syntax.ProcSubst:
			w.nested(n.Stmts, ctx, false)
			return false
		}
		return true
	})
}
