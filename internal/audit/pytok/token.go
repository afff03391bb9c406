package pytok

// Kind is a token's kind.
type Kind int

// Kinds, as Python's tokenize module names them.
const (
	Name    Kind = iota + 1
	Number       // 42, 0x1F, 1.5e3, 1_000, 2j
	String       // any string literal, prefix included
	Op           // operators and delimiters: ( ) [ ] { } , : . = == ...
	Newline      // the end of a logical line
	NL           // a line end that does not end a logical line
	Comment      // from # to the end of the line
	Indent       // the logical line is indented deeper than the last
	Dedent       // one indentation level ends
	EOF
)

// Field stands, in a String token's Value, for each replacement field of
// an f-string (or t-string): its value is only known when the code runs.
const Field = "\x00"

// Token is one token.
type Token struct {
	Kind Kind
	// Text is the token's source text ("" for Indent, Dedent and EOF).
	Text string
	// Line and Col are where the token starts (1-based; Col counts
	// bytes); EndLine is the line its last character is on.
	Line, Col, EndLine int

	// String tokens only:
	// Prefix is the lower-cased prefix ("", "r", "b", "f", "rb", "fr"...).
	Prefix string
	// Triple is set for triple-quoted strings.
	Triple bool
	// Value is the content between the quotes: escapes decoded unless
	// the string is raw, "{{" and "}}" of f-strings made single, and
	// each replacement field replaced by [Field].
	Value string
}

// IsOp reports whether t is the operator or delimiter s.
func (t Token) IsOp(s string) bool { return t.Kind == Op && t.Text == s }

// IsName reports whether t is the name (or keyword) s.
func (t Token) IsName(s string) bool { return t.Kind == Name && t.Text == s }
