package console

import (
	"os"

	"golang.org/x/term"

	"github.com/berth-dev/berth/internal/engine"
)

// fileTerminal is the local terminal on standard input (and output).
type fileTerminal struct {
	in, out *os.File
}

// NewTerminal returns the terminal in is, or nil when in is not a
// terminal.
func NewTerminal(in, out *os.File) Terminal {
	if !term.IsTerminal(int(in.Fd())) {
		return nil
	}
	return fileTerminal{in: in, out: out}
}

func (t fileTerminal) Raw() (func(), error) {
	old, err := term.MakeRaw(int(t.in.Fd()))
	if err != nil {
		return nil, err
	}
	return func() { _ = term.Restore(int(t.in.Fd()), old) }, nil
}

func (t fileTerminal) Size() engine.TermSize {
	w, h, err := term.GetSize(int(t.out.Fd()))
	if err != nil {
		return engine.TermSize{Rows: 24, Cols: 80}
	}
	return engine.TermSize{Rows: uint(h), Cols: uint(w)}
}

func (t fileTerminal) Resizes() (<-chan engine.TermSize, func()) {
	return watchResizes(t)
}
