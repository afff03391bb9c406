package pglock

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// runFairLoad is a load generator for BenchmarkSlotsFairness: until
// $FAIR_UNTIL (Unix ns) it takes one of $SLOTS slots in $SCOPE, holds it
// $FAIR_HOLD, lets go, and at the end prints its waits (ns) as JSON.
func runFairLoad(locks Locks) error {
	until, _ := strconv.ParseInt(os.Getenv("FAIR_UNTIL"), 10, 64)
	hold, err := time.ParseDuration(os.Getenv("FAIR_HOLD"))
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(os.Getenv("SLOTS"))
	s := Slots{Locks: locks, N: n}
	var waits []int64
	for time.Now().UnixNano() < until {
		start := time.Now()
		release, err := s.Acquire(context.Background())
		if err != nil {
			return err
		}
		waits = append(waits, int64(time.Since(start)))
		time.Sleep(hold) // the Docker call the slot stands for
		if err := release(); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(waits)
}

// BenchmarkSlotsFairness is internal/lock's BenchmarkSlotsFairness on
// PostgreSQL (BERTH_TEST_POSTGRES): 16 processes share 4 slots for 20 s,
// each holding a slot 400 ms per call. A fair queue gives every process
// about the same number of calls and a p99 wait near (16/4 - 1) x 400 ms.
// Run with -benchtime=1x.
func BenchmarkSlotsFairness(b *testing.B) {
	dsn := os.Getenv("BERTH_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("BERTH_TEST_POSTGRES is not set")
	}
	const procs, slots, hold, length = 16, 4, 400 * time.Millisecond, 20 * time.Second
	for i := range b.N {
		scope := "fair-" + strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.Itoa(i)
		until := time.Now().Add(length).UnixNano()
		var mu sync.Mutex
		var all []time.Duration
		var calls []int
		var wg sync.WaitGroup
		for i := range procs {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
			cmd.Env = append(os.Environ(), roleEnv+"=fair-load", "DSN="+dsn, "SCOPE="+scope, "SLOTS="+strconv.Itoa(slots),
				"FAIR_HOLD="+hold.String(), "FAIR_UNTIL="+strconv.FormatInt(until, 10), "GORACE=atexit_sleep_ms=0")
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var waits []int64
				if err := json.NewDecoder(bufio.NewReader(out)).Decode(&waits); err != nil {
					b.Errorf("process %d: %v", i, err)
				}
				if err := cmd.Wait(); err != nil {
					b.Errorf("process %d: %v", i, err)
				}
				mu.Lock()
				defer mu.Unlock()
				calls = append(calls, len(waits))
				for _, w := range waits {
					all = append(all, time.Duration(w))
				}
			}()
		}
		wg.Wait()
		slices.Sort(all)
		slices.Sort(calls)
		pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
		total := 0
		for _, c := range calls {
			total += c
		}
		mean := float64(total) / float64(len(calls))
		spread := max(mean-float64(calls[0]), float64(calls[len(calls)-1])-mean) / mean * 100
		b.ReportMetric(float64(pct(0.5).Milliseconds()), "p50-wait-ms")
		b.ReportMetric(float64(pct(0.99).Milliseconds()), "p99-wait-ms")
		b.ReportMetric(float64(all[len(all)-1].Milliseconds()), "max-wait-ms")
		b.ReportMetric(spread, "calls-spread-%")
		b.Logf("%d processes, %d slots, %v per call, %v: %d calls; waits p50 %v p99 %v max %v; calls per process %v (mean %.1f, spread ±%.0f%%)",
			procs, slots, hold, length, total, pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
			all[len(all)-1].Round(time.Millisecond), calls, mean, spread)
	}
}
