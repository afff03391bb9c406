//go:build unix

package console

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/berth-dev/berth/internal/engine"
)

// watchResizes delivers t's size on every SIGWINCH until stop.
func watchResizes(t fileTerminal) (<-chan engine.TermSize, func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	sizes := make(chan engine.TermSize, 1)
	done := make(chan struct{})
	go func() {
		defer close(sizes)
		for {
			select {
			case <-done:
				return
			case <-sig:
				select {
				case sizes <- t.Size():
				default: // the last size wins
				}
			}
		}
	}()
	return sizes, func() { signal.Stop(sig); close(done) }
}
