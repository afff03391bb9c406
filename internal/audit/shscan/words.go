package shscan

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// unknownVar stands, in source given to the parser, for a part not known
// statically: a [fact.Unknown] of an embedding string (the parser drops
// NUL bytes) or a make reference [Makefile] cannot expand. A word that
// holds it is unknown, even inside single quotes.
const unknownVar = "${__berth_unknown__}"

// word is the static value of a shell word: quotes removed, a variable
// assigned once to a literal expanded, anything else [fact.Unknown].
func (w *walker) word(wd *syntax.Word) string {
	if wd == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range wd.Parts {
		w.part(&b, p, false)
	}
	return strings.ReplaceAll(b.String(), unknownVar, fact.Unknown)
}

func (w *walker) part(b *strings.Builder, p syntax.WordPart, quoted bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		b.WriteString(unescape(p.Value, quoted))
	case *syntax.SglQuoted:
		b.WriteString(p.Value)
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			w.part(b, q, true)
		}
	case *syntax.ParamExp:
		if v, ok := w.param(p); ok {
			b.WriteString(v)
			return
		}
		b.WriteString(fact.Unknown)
	default: // command and process substitutions, arithmetic, globs
		b.WriteString(fact.Unknown)
	}
}

// param expands a plain $NAME or ${NAME} whose one assignment in the file
// is a literal.
func (w *walker) param(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Exp != nil || p.Index != nil || p.Length || p.Excl || p.Slice != nil ||
		p.Repl != nil || p.Names != 0 || p.Width {
		return "", false
	}
	v, ok := w.vars[p.Param.Value]
	return v, ok
}

// unescape removes the backslashes of a literal: outside quotes every
// one escapes the next character; inside double quotes only $ ` " \.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (!quoted || strings.IndexByte("$`\"\\", s[i+1]) >= 0) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// literalVars finds the variables assigned exactly once in f, to a
// value without expansions.
func literalVars(f *syntax.File) map[string]string {
	count := map[string]int{}
	value := map[string]string{}
	lit := &walker{vars: map[string]string{}}
	syntax.Walk(f, func(n syntax.Node) bool {
		a, ok := n.(*syntax.Assign)
		if !ok || a.Name == nil {
			return true
		}
		count[a.Name.Value]++
		if a.Value != nil && !a.Append && a.Array == nil && a.Index == nil {
			value[a.Name.Value] = lit.word(a.Value)
		} else {
			value[a.Name.Value] = fact.Unknown
		}
		return true
	})
	out := map[string]string{}
	for k, v := range value {
		if count[k] == 1 && fact.Known(v) {
			out[k] = v
		}
	}
	return out
}

// exports are the variables f exports (export NAME=value), for every
// command of the file.
func exports(f *syntax.File, w *walker) map[string]string {
	out := map[string]string{}
	syntax.Walk(f, func(n syntax.Node) bool {
		d, ok := n.(*syntax.DeclClause)
		if !ok || d.Variant == nil || d.Variant.Value != "export" {
			return true
		}
		for _, a := range d.Args {
			if a.Name != nil && !a.Naked {
				out[a.Name.Value] = w.word(a.Value)
			}
		}
		return true
	})
	return out
}
