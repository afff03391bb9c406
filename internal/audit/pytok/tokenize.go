package pytok

import (
	"fmt"
	"strings"
)

// SyntaxError is source the tokenizer cannot split: an unterminated
// string or an inconsistent dedent. Python would refuse the file too.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Tokenize splits src into tokens, ending with Newline (when the last
// logical line has content), the pending Dedents and EOF. A form feed in
// indentation resets the column, a tab advances it to the next multiple
// of 8, as in CPython. On a *SyntaxError it returns the error alone.
func Tokenize(src []byte) ([]Token, error) {
	t := &tokenizer{src: src, line: 1, indents: []int{0}, lineStart: true}
	if err := t.run(); err != nil {
		return nil, err
	}
	return t.out, nil
}

type tokenizer struct {
	src       []byte
	pos       int
	line      int
	lineBegin int // offset of the current line's first byte
	depth     int // open brackets
	indents   []int
	lineStart bool // at the start of a physical line outside brackets
	content   bool // the current logical line has a token other than comments
	out       []Token
}

func (t *tokenizer) col(pos int) int { return pos - t.lineBegin + 1 }

func (t *tokenizer) emit(k Kind, start, startLine, startCol int) {
	t.out = append(t.out, Token{Kind: k, Text: string(t.src[start:t.pos]), Line: startLine, Col: startCol, EndLine: t.line})
	if k != Comment && k != NL {
		t.content = true
	}
}

// newline moves past a line break at t.pos ("\n", "\r\n" or "\r").
func (t *tokenizer) newline() {
	if t.src[t.pos] == '\r' && t.pos+1 < len(t.src) && t.src[t.pos+1] == '\n' {
		t.pos++
	}
	t.pos++
	t.line++
	t.lineBegin = t.pos
}

func (t *tokenizer) run() error {
	for t.pos < len(t.src) {
		if t.lineStart && t.depth == 0 {
			if err := t.indentation(); err != nil {
				return err
			}
			if t.pos >= len(t.src) {
				break
			}
		}
		if err := t.next(); err != nil {
			return err
		}
	}
	if t.content {
		t.out = append(t.out, Token{Kind: Newline, Line: t.line, Col: t.col(t.pos), EndLine: t.line})
	}
	for len(t.indents) > 1 {
		t.indents = t.indents[:len(t.indents)-1]
		t.out = append(t.out, Token{Kind: Dedent, Line: t.line, Col: 1, EndLine: t.line})
	}
	t.out = append(t.out, Token{Kind: EOF, Line: t.line, Col: t.col(t.pos), EndLine: t.line})
	return nil
}

// indentation measures a physical line's indentation and, unless the
// line is blank or only a comment, emits Indent or Dedents.
func (t *tokenizer) indentation() error {
	t.lineStart = false
	width := 0
	for t.pos < len(t.src) {
		switch t.src[t.pos] {
		case ' ':
			width++
		case '\t':
			width = (width/8 + 1) * 8
		case '\f':
			width = 0
		default:
			goto measured
		}
		t.pos++
	}
measured:
	if t.pos >= len(t.src) {
		return nil
	}
	switch c := t.src[t.pos]; {
	case c == '\n' || c == '\r' || c == '#':
		return nil // blank or comment-only: indentation does not count
	case c == '\\' && t.pos+1 < len(t.src) && (t.src[t.pos+1] == '\n' || t.src[t.pos+1] == '\r'):
		return nil // a continued line's indentation is that of its start
	}
	top := t.indents[len(t.indents)-1]
	switch {
	case width > top:
		t.indents = append(t.indents, width)
		t.out = append(t.out, Token{Kind: Indent, Line: t.line, Col: 1, EndLine: t.line})
	case width < top:
		for width < t.indents[len(t.indents)-1] {
			t.indents = t.indents[:len(t.indents)-1]
			t.out = append(t.out, Token{Kind: Dedent, Line: t.line, Col: t.col(t.pos), EndLine: t.line})
		}
		if width != t.indents[len(t.indents)-1] {
			return &SyntaxError{Line: t.line, Msg: "unindent does not match any outer indentation level"}
		}
	}
	return nil
}

// next scans one token (or skips blanks) at t.pos.
func (t *tokenizer) next() error {
	start, line, col := t.pos, t.line, t.col(t.pos)
	c := t.src[t.pos]
	switch {
	case c == ' ' || c == '\t' || c == '\f':
		t.pos++
	case c == '\\' && t.pos+1 < len(t.src) && (t.src[t.pos+1] == '\n' || t.src[t.pos+1] == '\r'):
		t.pos++ // explicit line joining: no token, no line end
		t.newline()
	case c == '\n' || c == '\r':
		t.newline()
		k := NL
		if t.depth == 0 && t.content {
			k = Newline
		}
		t.out = append(t.out, Token{Kind: k, Text: "\n", Line: line, Col: col, EndLine: line})
		if t.depth == 0 {
			t.lineStart, t.content = true, false
		}
	case c == '#':
		for t.pos < len(t.src) && t.src[t.pos] != '\n' && t.src[t.pos] != '\r' {
			t.pos++
		}
		t.emit(Comment, start, line, col)
	case c == '"' || c == '\'':
		return t.str("", start, line, col)
	case isIdentStart(c):
		for t.pos < len(t.src) && isIdentPart(t.src[t.pos]) {
			t.pos++
		}
		word := string(t.src[start:t.pos])
		if t.pos < len(t.src) && (t.src[t.pos] == '"' || t.src[t.pos] == '\'') && isStringPrefix(word) {
			return t.str(strings.ToLower(word), start, line, col)
		}
		t.emit(Name, start, line, col)
	case isDigit(c) || (c == '.' && t.pos+1 < len(t.src) && isDigit(t.src[t.pos+1])):
		t.number()
		t.emit(Number, start, line, col)
	default:
		t.operator()
		t.emit(Op, start, line, col)
	}
	return nil
}

func (t *tokenizer) number() {
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		switch {
		case isIdentPart(c) || c == '.':
			t.pos++
		case (c == '+' || c == '-') && (t.src[t.pos-1] == 'e' || t.src[t.pos-1] == 'E') && !isHex(t.src, t.pos):
			t.pos++
		default:
			return
		}
	}
}

// isHex reports whether the number ending before pos is hexadecimal, in
// which an e is a digit rather than an exponent.
func isHex(src []byte, pos int) bool {
	i := pos - 1
	for i > 0 && isIdentPart(src[i-1]) {
		i--
	}
	return i+1 < len(src) && src[i] == '0' && (src[i+1] == 'x' || src[i+1] == 'X')
}

// operators, longest first so the longest match wins.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "!=", "==", "<=", ">=", "**", "//", "<<", ">>",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
}

func (t *tokenizer) operator() {
	rest := t.src[t.pos:]
	for _, op := range operators {
		if len(rest) >= len(op) && string(rest[:len(op)]) == op {
			t.pos += len(op)
			return
		}
	}
	switch rest[0] {
	case '(', '[', '{':
		t.depth++
	case ')', ']', '}':
		if t.depth > 0 {
			t.depth--
		}
	}
	t.pos++
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isStringPrefix reports whether word may prefix a string literal.
func isStringPrefix(word string) bool {
	switch strings.ToLower(word) {
	case "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt":
		return true
	}
	return false
}
