package pytok

import "strings"

// str scans a string literal whose prefix (lower-cased) ends at t.pos,
// where the opening quote is, and emits it.
func (t *tokenizer) str(prefix string, start, line, col int) error {
	value, triple, err := t.body(prefix, line)
	if err != nil {
		return err
	}
	t.emit(String, start, line, col)
	tok := &t.out[len(t.out)-1]
	tok.Prefix, tok.Triple, tok.Value = prefix, triple, value
	return nil
}

// body scans from the opening quote at t.pos to past the closing one and
// returns the decoded content.
func (t *tokenizer) body(prefix string, line int) (value string, triple bool, err error) {
	q := t.src[t.pos]
	triple = t.pos+2 < len(t.src) && t.src[t.pos+1] == q && t.src[t.pos+2] == q
	if triple {
		t.pos += 3
	} else {
		t.pos++
	}
	raw := strings.ContainsRune(prefix, 'r')
	format := strings.ContainsAny(prefix, "ft")
	var b strings.Builder
	for {
		if t.pos >= len(t.src) {
			return "", false, &SyntaxError{Line: line, Msg: "unterminated string literal"}
		}
		c := t.src[t.pos]
		switch {
		case c == q && (!triple || (t.pos+2 < len(t.src) && t.src[t.pos+1] == q && t.src[t.pos+2] == q)):
			if triple {
				t.pos += 3
			} else {
				t.pos++
			}
			return b.String(), triple, nil
		case c == '\n' || c == '\r':
			if !triple {
				return "", false, &SyntaxError{Line: line, Msg: "unterminated string literal"}
			}
			b.WriteByte('\n')
			t.newline()
		case c == '\\' && t.pos+1 < len(t.src):
			t.escape(&b, raw)
		case format && c == '{' && t.pos+1 < len(t.src) && t.src[t.pos+1] == '{':
			b.WriteByte('{')
			t.pos += 2
		case format && c == '}' && t.pos+1 < len(t.src) && t.src[t.pos+1] == '}':
			b.WriteByte('}')
			t.pos += 2
		case format && c == '{':
			t.pos++
			if err := t.field(line); err != nil {
				return "", false, err
			}
			b.WriteString(Field)
		default:
			b.WriteByte(c)
			t.pos++
		}
	}
}

// escapes maps the one-letter escapes to what they stand for.
var escapes = map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '\'': '\'', '"': '"',
	'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v', '0': 0}

// escape handles a backslash at t.pos. In a raw string it keeps both
// characters (the backslash still keeps a quote from ending the string);
// otherwise it decodes the simple escapes, drops an escaped line break
// and keeps any other sequence as written.
func (t *tokenizer) escape(b *strings.Builder, raw bool) {
	n := t.src[t.pos+1]
	if n == '\n' || n == '\r' {
		t.pos++
		t.newline()
		if raw {
			b.WriteString("\\\n")
		}
		return
	}
	t.pos += 2
	if d, ok := escapes[n]; ok && !raw {
		b.WriteByte(d)
		return
	}
	b.WriteByte('\\')
	b.WriteByte(n)
}

// field skips an f-string replacement field from just after its "{" to
// just after its closing "}": brackets nest, strings inside it (of any
// quote, as Python 3.12 allows) are skipped whole, and a format spec's
// nested fields close with their own braces.
func (t *tokenizer) field(line int) error {
	depth := 0
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		switch {
		case c == '"' || c == '\'':
			if _, _, err := t.body(t.prefixBefore(), line); err != nil {
				return err
			}
			continue
		case c == '{' || c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '}':
			if depth == 0 {
				t.pos++
				return nil
			}
			depth--
		case c == '\n' || c == '\r':
			t.newline()
			continue
		}
		t.pos++
	}
	return &SyntaxError{Line: line, Msg: "unterminated f-string replacement field"}
}

// prefixBefore is the string prefix written just before the quote at
// t.pos inside a replacement field ("" when none).
func (t *tokenizer) prefixBefore() string {
	i := t.pos
	for i > 0 && isIdentPart(t.src[i-1]) {
		i--
	}
	if w := string(t.src[i:t.pos]); isStringPrefix(w) {
		return strings.ToLower(w)
	}
	return ""
}
