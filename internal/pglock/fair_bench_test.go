package pglock

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/fairload"
)

// runFairLoad is a load generator for BenchmarkSlotsFairness
// ([fairload.Child]) on the slots of locks' scope.
func runFairLoad(locks Locks) error {
	return fairload.Child(Slots{Locks: locks, N: fairload.Slots()}, os.Stdout)
}

// BenchmarkSlotsFairness is internal/lock's BenchmarkSlotsFairness on
// PostgreSQL (BERTH_TEST_POSTGRES): 16 processes share 4 slots for 20 s,
// each holding a slot 400 ms per call; see [fairload.Measure]. Run with
// -benchtime=1x.
func BenchmarkSlotsFairness(b *testing.B) {
	dsn := os.Getenv("BERTH_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("BERTH_TEST_POSTGRES is not set")
	}
	load := fairload.Load{Procs: 16, Slots: 4, Hold: 400 * time.Millisecond, Length: 20 * time.Second}
	scope := "fair-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	fairload.Measure(b, load, func(run int, env []string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
		cmd.Env = append(append(os.Environ(), roleEnv+"=fair-load", "DSN="+dsn, "SCOPE="+scope+strconv.Itoa(run)), env...)
		return cmd
	})
}
