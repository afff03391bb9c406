package pyscan

import (
	"strings"

	"github.com/berth-dev/berth/internal/audit/pytok"
)

// call is one call expression found in a statement.
type call struct {
	name   string        // the called name: "run", "remove"
	recv   []pytok.Token // the receiver expression before ".name"; empty for a plain name
	start  pytok.Token   // the first token of the callee expression
	args   [][]pytok.Token
	kwargs map[string][]pytok.Token
	star   bool // *args or **kwargs passed
}

// dotted is the callee as a dotted name ("subprocess.run"), or "" when
// the receiver is not a plain dotted name (a call result, a subscript).
func (c call) dotted() string {
	var b strings.Builder
	for _, tk := range c.recv {
		if tk.Kind != pytok.Name && !tk.IsOp(".") {
			return ""
		}
		b.WriteString(tk.Text)
	}
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(c.name)
	return b.String()
}

// recvText is the receiver's source text ("client.containers.get(x)").
func (c call) recvText() string { return text(c.recv) }

// text joins tokens' source texts without spaces.
func text(toks []pytok.Token) string {
	var b strings.Builder
	for _, tk := range toks {
		b.WriteString(tk.Text)
	}
	return b.String()
}

// findCalls returns every call in a statement, outer calls before the
// calls in their arguments. A def's name is not a call.
func findCalls(toks []pytok.Token) []call {
	var out []call
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Kind != pytok.Name || !toks[i+1].IsOp("(") || isKeyword(toks[i].Text) {
			continue
		}
		if i > 0 && (toks[i-1].IsName("def") || toks[i-1].IsName("class")) {
			continue
		}
		c := parseArgs(toks, i+1)
		c.name = toks[i].Text
		start := receiverStart(toks, i)
		if start < i {
			c.recv = toks[start : i-1]
		}
		c.start = toks[start]
		out = append(out, c)
	}
	return out
}

// receiverStart walks back from the called name at i over ".name",
// ".name(...)" and "[...]" links to the start of the primary expression.
func receiverStart(toks []pytok.Token, i int) int {
	j := i
	for j >= 2 && toks[j-1].IsOp(".") {
		k := j - 2
		switch {
		case toks[k].Kind == pytok.Name:
			j = k
		case toks[k].Kind == pytok.String:
			return k
		case toks[k].IsOp(")") || toks[k].IsOp("]"):
			m := matchBack(toks, k)
			if m <= 0 || toks[m-1].Kind != pytok.Name {
				return j
			}
			j = m - 1
		default:
			return j
		}
	}
	return j
}

// matchBack finds the bracket opening the one that closes at k.
func matchBack(toks []pytok.Token, k int) int {
	depth := 0
	for i := k; i >= 0; i-- {
		if toks[i].Kind != pytok.Op {
			continue
		}
		switch toks[i].Text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// matchForward finds the bracket closing the one that opens at k, or
// len(toks) when it is not closed in the statement.
func matchForward(toks []pytok.Token, k int) int {
	depth := 0
	for i := k; i < len(toks); i++ {
		if toks[i].Kind != pytok.Op {
			continue
		}
		switch toks[i].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(toks)
}

// parseArgs splits the argument list whose "(" is at open.
func parseArgs(toks []pytok.Token, open int) call {
	c := call{kwargs: map[string][]pytok.Token{}}
	end := matchForward(toks, open)
	for _, a := range splitTop(toks[open+1:end], ",") {
		switch {
		case len(a) == 0:
		case a[0].IsOp("*") || a[0].IsOp("**"):
			c.star = true
		case len(a) >= 2 && a[0].Kind == pytok.Name && a[1].IsOp("="):
			c.kwargs[a[0].Text] = a[2:]
		default:
			c.args = append(c.args, a)
		}
	}
	return c
}

// splitTop splits toks at the operator sep where brackets are balanced.
func splitTop(toks []pytok.Token, sep string) [][]pytok.Token {
	var out [][]pytok.Token
	depth, from := 0, 0
	for i, tk := range toks {
		if tk.Kind != pytok.Op {
			continue
		}
		switch tk.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case sep:
			if depth == 0 {
				out = append(out, toks[from:i])
				from = i + 1
			}
		}
	}
	if from < len(toks) {
		out = append(out, toks[from:])
	}
	return out
}

// isKeyword reports the keywords that may precede "(" without a call.
func isKeyword(s string) bool {
	switch s {
	case "if", "elif", "while", "for", "in", "not", "and", "or", "return", "yield", "assert",
		"with", "as", "lambda", "await", "del", "is", "else", "except", "raise", "import", "from", "match", "case":
		return true
	}
	return false
}
