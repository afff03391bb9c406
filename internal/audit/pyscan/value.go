package pyscan

import (
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
)

type valueKind int

const (
	unknownValue valueKind = iota
	strValue
	listValue
)

// value is what an expression is known to be without running it: a
// string (with [fact.Unknown] parts), a list of words (open when its
// tail is unknown), or unknown.
type value struct {
	kind  valueKind
	str   string
	words []string
	open  bool
	// tok is the string token, when the value is one literal (its
	// position places commands of a shell string).
	tok *pytok.Token
}

// argv is a list value as an argument vector; an open tail is one
// unknown word.
func (v value) argv() []string {
	if v.open {
		return append(append([]string(nil), v.words...), fact.Unknown)
	}
	return v.words
}

// eval computes what toks evaluate to, as far as literals, the names of
// sc and a few string methods (split, join, format, %) tell.
func eval(toks []pytok.Token, sc *scope) value {
	if len(toks) == 0 {
		return value{}
	}
	if parts := splitTop(toks, "+"); len(parts) > 1 && !toks[0].IsOp("+") {
		return concat(parts, sc)
	}
	first, last := toks[0], toks[len(toks)-1]
	switch {
	case first.IsOp("[") && matchForward(toks, 0) == len(toks)-1:
		return list(toks[1:len(toks)-1], sc)
	case first.IsOp("(") && matchForward(toks, 0) == len(toks)-1:
		inner := toks[1 : len(toks)-1]
		if len(splitTop(inner, ",")) > 1 || (len(inner) > 0 && inner[len(inner)-1].IsOp(",")) {
			return list(inner, sc)
		}
		return eval(inner, sc)
	case len(toks) == 1 && first.Kind == pytok.Name:
		v, _ := sc.lookup(first.Text)
		return v
	case allStrings(toks):
		return strOf(toks)
	case first.Kind == pytok.String:
		if ops := splitTop(toks, "%"); len(ops) == 2 && allStrings(ops[0]) {
			v := strOf(ops[0])
			v.str, v.tok = percent.ReplaceAllString(v.str, fact.Unknown), nil
			return v
		}
		if last.IsOp(")") {
			return method(toks, sc)
		}
	case len(toks) >= 4 && first.IsName("shlex") && toks[1].IsOp(".") && toks[2].IsName("split") && toks[3].IsOp("("):
		c := parseArgs(toks, 3)
		if len(c.args) == 1 {
			if v := eval(c.args[0], sc); v.kind == strValue {
				return value{kind: listValue, words: shellWords(v.str)}
			}
		}
	}
	return value{}
}

// percent matches %-format directives.
var percent = regexp.MustCompile(`%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgxoc]`)

// braces matches str.format replacement fields.
var braces = regexp.MustCompile(`\{[^{}]*\}`)

// method evaluates "STRING".split(), .join(LIST) and .format(...).
func method(toks []pytok.Token, sc *scope) value {
	i := 0
	for i < len(toks) && toks[i].Kind == pytok.String {
		i++
	}
	if i+3 > len(toks) || !toks[i].IsOp(".") || toks[i+1].Kind != pytok.Name || !toks[i+2].IsOp("(") ||
		matchForward(toks, i+2) != len(toks)-1 {
		return value{}
	}
	s := strOf(toks[:i]).str
	c := parseArgs(toks, i+2)
	switch toks[i+1].Text {
	case "split":
		if len(c.args) == 0 && len(c.kwargs) == 0 {
			return value{kind: listValue, words: strings.Fields(s)}
		}
	case "join":
		if len(c.args) == 1 {
			if v := eval(c.args[0], sc); v.kind == listValue {
				return value{kind: strValue, str: strings.Join(v.argv(), s)}
			}
		}
	case "format":
		return value{kind: strValue, str: braces.ReplaceAllString(s, fact.Unknown)}
	}
	return value{}
}

// list evaluates the elements of a list or tuple display.
func list(toks []pytok.Token, sc *scope) value {
	v := value{kind: listValue}
	for _, el := range splitTop(toks, ",") {
		switch {
		case len(el) == 0:
		case el[0].IsOp("*"):
			if inner := eval(el[1:], sc); inner.kind == listValue && !v.open {
				v.words = append(v.words, inner.words...)
				v.open = inner.open
			} else {
				v.open = true
			}
		default:
			if e := eval(el, sc); e.kind == strValue {
				v.words = append(v.words, e.str)
			} else {
				v.words = append(v.words, fact.Unknown)
			}
		}
		if v.open {
			break
		}
	}
	return v
}

// concat evaluates a + b + ...: strings join, lists join, anything else
// is unknown (an unknown list part leaves the list open).
func concat(parts [][]pytok.Token, sc *scope) value {
	var out value
	for i, p := range parts {
		v := eval(p, sc)
		if i == 0 {
			out = v
			out.tok = nil
			if v.kind == unknownValue {
				return value{}
			}
			continue
		}
		switch {
		case out.kind == strValue && v.kind == strValue:
			out.str += v.str
		case out.kind == strValue:
			out.str += fact.Unknown
		case out.kind == listValue && v.kind == listValue && !out.open:
			out.words = append(out.words, v.words...)
			out.open = v.open
		case out.kind == listValue:
			out.open = true
		}
	}
	return out
}

func allStrings(toks []pytok.Token) bool {
	for _, tk := range toks {
		if tk.Kind != pytok.String {
			return false
		}
	}
	return len(toks) > 0
}

// strOf joins adjacent string literals (implicit concatenation).
func strOf(toks []pytok.Token) value {
	var b strings.Builder
	for _, tk := range toks {
		b.WriteString(tk.Value)
	}
	v := value{kind: strValue, str: b.String()}
	if len(toks) == 1 {
		v.tok = &toks[0]
	}
	return v
}

// shellWords splits s as shlex.split does: whitespace separates words,
// quotes group, a backslash escapes outside single quotes.
func shellWords(s string) []string {
	var out []string
	var b strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == '\'':
			b.WriteByte(c)
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			inWord = true
		case quote == 0 && (c == '\'' || c == '"'):
			quote, inWord = c, true
		case quote == 0 && (c == ' ' || c == '\t' || c == '\n'):
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}
