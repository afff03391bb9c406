package pyscan

import (
	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
)

// stmt is one logical line's tokens (comments and NL left out) and where
// it sits.
type stmt struct {
	toks  []pytok.Token
	ctx   fact.Context
	loops []*fact.Loop // every enclosing loop, outermost first
	scope *scope
}

// frame is an indented block being read.
type frame struct {
	block int
	step  int
	loops []*fact.Loop
	scope *scope
}

// header is what a compound statement ending in ":" opens for the block
// that follows it.
type header struct {
	loop  *fact.Loop // while/for: the loop its body runs in
	def   bool       // def: a new scope, outside any loop of the caller
	retry *fact.Loop // a retry decorator of the def
}

// statements splits tokens into statements and calls fn on each, in
// order, with its block, step, loops and scope. A decorator line passes
// its retry loop (if any) to the def it decorates.
func statements(toks []pytok.Token, file string, test bool, blocks *fact.Blocks, fn func(stmt)) {
	module := &scope{vars: map[string]value{}}
	stack := []*frame{{block: blocks.New(), scope: module}}
	var pending *header
	var retries []*fact.Loop
	var cur []pytok.Token
	for _, tk := range toks {
		top := stack[len(stack)-1]
		switch tk.Kind {
		case pytok.Comment, pytok.NL, pytok.EOF:
		case pytok.Indent:
			f := &frame{block: blocks.New(), loops: top.loops, scope: top.scope}
			if pending != nil {
				switch {
				case pending.def:
					f.loops, f.scope = nil, &scope{vars: map[string]value{}, parent: module}
					if pending.retry != nil {
						f.loops = []*fact.Loop{pending.retry}
					}
				case pending.loop != nil:
					f.loops = appendLoop(top.loops, pending.loop)
				}
			}
			pending = nil
			stack = append(stack, f)
		case pytok.Dedent:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case pytok.Newline:
			if len(cur) == 0 {
				continue
			}
			s := stmt{toks: cur, ctx: fact.Context{Block: top.block, Step: top.step, Test: test}, loops: top.loops, scope: top.scope}
			top.step++
			h := &header{}
			first := firstWord(cur)
			switch {
			case first == "@":
				if r := retryLoop(cur, file); r != nil {
					retries = append(retries, r)
				}
			case first == "def":
				h.def = true
				if len(retries) > 0 {
					h.retry = retries[0]
				}
				retries = nil
			case first == "while" || first == "for":
				h.loop = newLoop(cur, file)
				s.loops = appendLoop(s.loops, h.loop)
			case first == "class":
				retries = nil
			}
			if len(s.loops) > 0 {
				s.ctx.Loop = s.loops[len(s.loops)-1]
			}
			if last := cur[len(cur)-1]; last.IsOp(":") {
				pending = h
			}
			fn(s)
			cur = nil
		default:
			cur = append(cur, tk)
		}
	}
}

// firstWord is the statement's first token text, "async" skipped.
func firstWord(toks []pytok.Token) string {
	if toks[0].IsName("async") && len(toks) > 1 {
		return toks[1].Text
	}
	return toks[0].Text
}

func appendLoop(loops []*fact.Loop, l *fact.Loop) []*fact.Loop {
	out := make([]*fact.Loop, 0, len(loops)+1)
	return append(append(out, loops...), l)
}
