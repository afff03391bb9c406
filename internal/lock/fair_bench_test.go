package lock

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/fairload"
)

// fairRole makes a child process a load generator for
// BenchmarkSlotsFairness ([fairload.Child]) on the slots in $DIR.
const fairRole = "BERTH_LOCK_BENCH_FAIR"

func runFairLoad() error {
	s := Slots{Dir: Dir{Path: os.Getenv("DIR")}, N: fairload.Slots()}
	return fairload.Child(s, os.Stdout)
}

// BenchmarkSlotsFairness: 16 processes share 4 slots for 20 s, each
// holding a slot 400 ms per call (the setting); see
// [fairload.Measure]. Run with -benchtime=1x.
func BenchmarkSlotsFairness(b *testing.B) {
	load := fairload.Load{Procs: 16, Slots: 4, Hold: 400 * time.Millisecond, Length: 20 * time.Second}
	dirs := map[int]string{}
	fairload.Measure(b, load, func(run int, env []string) *exec.Cmd {
		if dirs[run] == "" {
			dirs[run] = b.TempDir()
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
		cmd.Env = append(append(os.Environ(), fairRole+"=1", "DIR="+dirs[run]), env...)
		return cmd
	})
}

// BenchmarkSlotsUncontended: one taker, nobody waiting: the cost the line
// adds to every gated call.
func BenchmarkSlotsUncontended(b *testing.B) {
	s := Slots{Dir: Dir{Path: b.TempDir()}, N: 4}
	ctx := context.Background()
	for b.Loop() {
		release, err := s.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := release(); err != nil {
			b.Fatal(err)
		}
	}
}
