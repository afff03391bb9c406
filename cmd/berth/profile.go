package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole process to the file
// BERTH_CPUPROFILE names, if set (for measuring berth's own cost, see
// docs/benchmarks.md); the returned stop flushes it. The variable is
// cleared, so processes berth starts (up's lease keeper, the pool's
// refill) do not write over the same file.
func startProfile() (stop func()) {
	path := os.Getenv("BERTH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	_ = os.Unsetenv("BERTH_CPUPROFILE")
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "berth: BERTH_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
