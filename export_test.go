package berth

import (
	"log/slog"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
)

// OpenWith is the constructor [Open] uses, over engine eng and clock clk:
// unit tests run the Manager over the in-memory fake with a fake clock.
func OpenWith(getenv func(string) string, eng engine.Engine, clk clock.Clock) (*Manager, error) {
	return open(getenv, slog.New(slog.DiscardHandler), eng, clk)
}
