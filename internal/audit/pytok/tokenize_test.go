package pytok

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinds renders tokens as "Kind:text" for compact comparison.
func kinds(t *testing.T, src string) []string {
	t.Helper()
	toks, err := Tokenize([]byte(src))
	require.NoError(t, err)
	names := map[Kind]string{Name: "N", Number: "#", String: "S", Op: "O", Newline: "NEWLINE", NL: "NL",
		Comment: "C", Indent: "INDENT", Dedent: "DEDENT", EOF: "EOF"}
	var out []string
	for _, tk := range toks {
		s := names[tk.Kind]
		if tk.Kind == Name || tk.Kind == Number || tk.Kind == Op || tk.Kind == Comment {
			s += ":" + tk.Text
		}
		if tk.Kind == String {
			s += ":" + tk.Value
		}
		out = append(out, s)
	}
	return out
}

func strings1(t *testing.T, src string) Token {
	t.Helper()
	toks, err := Tokenize([]byte(src))
	require.NoError(t, err)
	for _, tk := range toks {
		if tk.Kind == String {
			return tk
		}
	}
	t.Fatalf("no string in %q", src)
	return Token{}
}

func TestLogicalLinesAndIndentation(t *testing.T) {
	src := "while True:\n    run(x)\n\n    # note\n    y = 1\nz()\n"
	assert.Equal(t, []string{
		"N:while", "N:True", "O::", "NEWLINE",
		"INDENT", "N:run", "O:(", "N:x", "O:)", "NEWLINE",
		"NL", "C:# note", "NL",
		"N:y", "O:=", "#:1", "NEWLINE",
		"DEDENT", "N:z", "O:(", "O:)", "NEWLINE", "EOF",
	}, kinds(t, src))
}

func TestCommentsAreTokensNotCode(t *testing.T) {
	src := "x = 1  # docker rm -f x\n# subprocess.run(['docker', 'rm', '-f'])\n"
	assert.Equal(t, []string{"N:x", "O:=", "#:1", "C:# docker rm -f x", "NEWLINE",
		"C:# subprocess.run(['docker', 'rm', '-f'])", "NL", "EOF"}, kinds(t, src))
}

func TestBracketsJoinLines(t *testing.T) {
	src := "run([\n  'docker',  # the CLI\n  'ps',\n])\n"
	assert.Equal(t, []string{"N:run", "O:(", "O:[", "NL", "S:docker", "O:,", "C:# the CLI", "NL",
		"S:ps", "O:,", "NL", "O:]", "O:)", "NEWLINE", "EOF"}, kinds(t, src))
}

func TestBackslashContinuation(t *testing.T) {
	src := "x = a + \\\n    b\ny\n"
	toks, err := Tokenize([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, []string{"N:x", "O:=", "N:a", "O:+", "N:b", "NEWLINE", "N:y", "NEWLINE", "EOF"}, kinds(t, src))
	assert.Equal(t, 2, toks[4].Line, "b is on line 2")
	assert.Equal(t, 5, toks[4].Col)
}

func TestStringForms(t *testing.T) {
	cases := []struct {
		src, value, prefix string
		triple             bool
	}{
		{`'a\'b'`, "a'b", "", false},
		{`"tab\there"`, "tab\there", "", false},
		{`r"C:\dir\n"`, `C:\dir\n`, "r", false},
		{`r"a\"b"`, `a\"b`, "r", false},
		{`b'bytes'`, "bytes", "b", false},
		{`Rb'x'`, "x", "rb", false},
		{`u"uni"`, "uni", "u", false},
		{`"""one "quoted" line"""`, `one "quoted" line`, "", true},
		{"'''two\nlines'''", "two\nlines", "", true},
		{`"unknown \q escape"`, `unknown \q escape`, "", false},
		{"'joined \\\nline'", "joined line", "", false},
	}
	for _, c := range cases {
		tk := strings1(t, c.src)
		assert.Equal(t, c.value, tk.Value, c.src)
		assert.Equal(t, c.prefix, tk.Prefix, c.src)
		assert.Equal(t, c.triple, tk.Triple, c.src)
		assert.Equal(t, c.src, tk.Text, c.src)
	}
}

func TestFStrings(t *testing.T) {
	cases := map[string]string{
		`f"docker rm {name}"`:                  "docker rm " + Field,
		`f"{{literal}} {x!r:>{width}}"`:        "{literal} " + Field,
		`f"{d['key']} and {d["k2"]}"`:          Field + " and " + Field,
		`F'{f"{inner}"} done'`:                 Field + " done",
		`rf"\d{n}"`:                            `\d` + Field,
		`f"""multi {a +` + "\n" + ` b} end"""`: "multi " + Field + " end",
		`f"{x:{'}'}}"`:                         Field,
	}
	for src, want := range cases {
		tk := strings1(t, src)
		assert.Equal(t, want, tk.Value, src)
	}
}

func TestStringsHideCodeLikeText(t *testing.T) {
	// The docstring and the message are one String token each: nothing
	// inside them becomes a Name or an Op.
	src := "def f():\n    \"\"\"Calls subprocess.run(['docker', 'rm', '-f']).\"\"\"\n    log('docker system prune -af')\n"
	got := kinds(t, src)
	assert.Contains(t, got, "S:Calls subprocess.run(['docker', 'rm', '-f']).")
	assert.Contains(t, got, "S:docker system prune -af")
	assert.NotContains(t, got, "N:subprocess")
	assert.NotContains(t, got, "N:docker")
}

func TestTokenPositions(t *testing.T) {
	src := "a = '''x\ny'''\nb = 1\n"
	toks, err := Tokenize([]byte(src))
	require.NoError(t, err)
	s := toks[2]
	require.Equal(t, String, s.Kind)
	assert.Equal(t, 1, s.Line)
	assert.Equal(t, 5, s.Col)
	assert.Equal(t, 2, s.EndLine)
	assert.Equal(t, "b", toks[4].Text)
	assert.Equal(t, 3, toks[4].Line)
}

func TestNumbersAndOperators(t *testing.T) {
	assert.Equal(t, []string{"N:x", "O:**=", "#:0x1E", "O:+", "#:1.5e-3", "O:->", "#:1_000j", "O:...", "NEWLINE", "EOF"},
		kinds(t, "x **= 0x1E + 1.5e-3 -> 1_000j ...\n"))
	assert.Equal(t, []string{"N:a", "O::=", "N:b", "O:!=", "N:c", "NEWLINE", "EOF"}, kinds(t, "a := b != c"))
}

func TestPrefixLikeNamesAreNames(t *testing.T) {
	assert.Equal(t, []string{"N:rb", "O:=", "N:f", "O:(", "N:r", "O:)", "NEWLINE", "EOF"}, kinds(t, "rb = f(r)\n"))
}

func TestTabsAndCRLF(t *testing.T) {
	src := "if x:\r\n\tdo()\r\n        more()\r\nend()\r\n"
	got := kinds(t, src)
	assert.Equal(t, []string{"N:if", "N:x", "O::", "NEWLINE", "INDENT", "N:do", "O:(", "O:)", "NEWLINE",
		"N:more", "O:(", "O:)", "NEWLINE", "DEDENT", "N:end", "O:(", "O:)", "NEWLINE", "EOF"}, got,
		"a tab indents to column 8, the same level as 8 spaces")
}

func TestSyntaxErrors(t *testing.T) {
	for _, src := range []string{"x = 'open\n", "x = '''never closed\n", "f'{x'\n", "if a:\n        b\n    c\n"} {
		_, err := Tokenize([]byte(src))
		var se *SyntaxError
		assert.True(t, errors.As(err, &se), "%q: %v", src, err)
	}
}
