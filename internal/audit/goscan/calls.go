package goscan

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/shscan"
)

// sdkMethods are the Docker client methods the rules judge.
var sdkMethods = map[string]bool{
	"ContainerRemove": true, "RemoveContainer": true, "ContainerStop": true, "StopContainer": true,
	"ContainerRestart": true, "RestartContainer": true,
	"ContainersPrune": true, "VolumesPrune": true, "ImagesPrune": true, "NetworksPrune": true, "BuildCachePrune": true,
	"PruneContainers": true, "PruneVolumes": true, "PruneImages": true, "PruneNetworks": true,
}

// call records an exec.Command(Context) command or a Docker SDK call.
func (w *walker) call(c *ast.CallExpr, ctx fact.Context) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	if x, ok := sel.X.(*ast.Ident); ok && isExec(w.imports[x.Name]) {
		// os/exec's calls are judged for timeouts; a wrapper's (kind's
		// pkg/exec...) may bound them its own way.
		none, withCtx := fact.TimeoutNA, fact.TimeoutNA
		if w.imports[x.Name] == "os/exec" {
			none, withCtx = fact.TimeoutNone, contextTimeout(c.Args[0:min(1, len(c.Args))]...)
		}
		switch sel.Sel.Name {
		case "Command":
			w.command(c, c.Args, none, ctx)
		case "CommandContext":
			if len(c.Args) > 0 {
				w.command(c, c.Args[1:], withCtx, ctx)
			}
		}
		return
	}
	if sdkMethods[sel.Sel.Name] {
		w.sdkCall(c, sel, ctx)
	}
}

// isExec reports an import of os/exec or of a package that wraps it
// under the same name (sigs.k8s.io/kind/pkg/exec, k8s.io/utils/exec):
// their Command(name, args...) runs a process.
func isExec(path string) bool { return path == "os/exec" || strings.HasSuffix(path, "/exec") }

// contextTimeout: a context.Background() or TODO() carries no deadline;
// any other context may.
func contextTimeout(args ...ast.Expr) fact.Timeout {
	if len(args) == 0 {
		return fact.TimeoutSet
	}
	if c, ok := args[0].(*ast.CallExpr); ok {
		if s, ok := c.Fun.(*ast.SelectorExpr); ok {
			if x, ok := s.X.(*ast.Ident); ok && x.Name == "context" && (s.Sel.Name == "Background" || s.Sel.Name == "TODO") {
				return fact.TimeoutNone
			}
		}
	}
	return fact.TimeoutSet
}

// command records the command an exec call runs, or the commands of its
// "sh -c SCRIPT" script, placed at the program argument.
func (w *walker) command(c *ast.CallExpr, args []ast.Expr, timeout fact.Timeout, ctx fact.Context) {
	if len(args) == 0 {
		return
	}
	var words []string
	for i, a := range args {
		if i == len(args)-1 && c.Ellipsis.IsValid() {
			words = append(words, w.variadic(a)...)
			break
		}
		words = append(words, w.word(a))
	}
	loc := w.loc(args[0].Pos())
	var cmds []fact.Command
	if script, ok := shscan.ShellC(words); ok {
		o := shscan.Origin{File: w.path, Line: loc.Line, Col: loc.Col, Sink: fact.SinkGo, Blocks: w.blocks, Embedded: &ctx, Test: ctx.Test}
		if lit := scriptLit(args, script, w); lit != nil {
			p := w.loc(lit.Pos())
			o.Line, o.Col = p.Line, p.Col+1
		}
		cmds, _ = shscan.Script(script, o)
	} else {
		cmds = []fact.Command{{Loc: loc, Sink: fact.SinkGo, Args: words, Ctx: ctx}}
	}
	for i := range cmds {
		cmds[i].Timeout = timeout
	}
	w.out.Commands = append(w.out.Commands, cmds...)
}

// scriptLit finds the string literal holding a sh -c script.
func scriptLit(args []ast.Expr, script string, w *walker) *ast.BasicLit {
	for _, a := range args {
		if lit, ok := a.(*ast.BasicLit); ok && w.word(lit) == script {
			return lit
		}
	}
	return nil
}

// word is an argument's static value: a string literal or constant, or
// [fact.Unknown].
func (w *walker) word(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if s, err := strconv.Unquote(e.Value); err == nil {
				return s
			}
		}
	case *ast.Ident:
		if s, ok := w.consts[e.Name]; ok {
			return s
		}
	}
	return fact.Unknown
}

// variadic expands the slice passed with "...": a []string literal gives
// its elements, anything else one unknown word.
func (w *walker) variadic(e ast.Expr) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return []string{fact.Unknown}
	}
	var out []string
	for _, el := range lit.Elts {
		out = append(out, w.word(el))
	}
	return out
}

// sdkCall records a call to a Docker client method, with the fields of
// its composite-literal options, its arguments after the context, and
// the first of them as target.
func (w *walker) sdkCall(c *ast.CallExpr, sel *ast.SelectorExpr, ctx fact.Context) {
	call := fact.Call{Loc: w.loc(c.Pos()), Lang: "go", Method: sel.Sel.Name, Receiver: types.ExprString(sel.X),
		Options: map[string]string{}, SDK: w.sdk, Ctx: ctx}
	for i, a := range c.Args {
		if i > 0 {
			call.Args = append(call.Args, types.ExprString(a))
		}
		if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
			a = u.X
		}
		lit, ok := a.(*ast.CompositeLit)
		if !ok {
			if i == 1 {
				switch a.(type) {
				case *ast.Ident, *ast.BasicLit, *ast.SelectorExpr:
					call.Target = types.ExprString(a)
				}
			}
			continue
		}
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok {
					call.Options[k.Name] = types.ExprString(kv.Value)
				}
			}
		}
	}
	w.out.Calls = append(w.out.Calls, call)
}
