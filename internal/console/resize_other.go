//go:build !unix

package console

import "github.com/berth-dev/berth/internal/engine"

// watchResizes has no resize signal to follow here: the size stays the
// one the exec started with.
func watchResizes(fileTerminal) (<-chan engine.TermSize, func()) {
	sizes := make(chan engine.TermSize)
	return sizes, func() {}
}
