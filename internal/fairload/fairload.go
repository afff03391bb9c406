// Package fairload is the fairness benchmark of berth's cross-process
// slots, written once for every backend (kernel file locks in
// internal/lock, PostgreSQL advisory locks in internal/pglock): N child
// processes share a few slots, each holding one for a fixed time per call,
// and the benchmark reports the waits and how evenly the calls spread.
//
// A backend's test binary runs [Child] when its child role is set, and its
// benchmark calls [Measure] with a function that starts such a child.
package fairload

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Semaphore is the slot set under test.
type Semaphore interface {
	Acquire(ctx context.Context) (release func() error, err error)
}

// The child's settings, passed in its environment by [Measure].
const (
	envSlots = "FAIR_SLOTS"
	envHold  = "FAIR_HOLD"
	envUntil = "FAIR_UNTIL"
)

// Slots is how many slots the child should share ($FAIR_SLOTS).
func Slots() int {
	n, _ := strconv.Atoi(os.Getenv(envSlots))
	return n
}

// Child is a load generator: until $FAIR_UNTIL (Unix ns) it takes a slot
// of s, holds it $FAIR_HOLD (the Docker call the slot stands for), lets
// go, and at the end writes its waits (ns) to out as one JSON list.
func Child(s Semaphore, out io.Writer) error {
	until, _ := strconv.ParseInt(os.Getenv(envUntil), 10, 64)
	hold, err := time.ParseDuration(os.Getenv(envHold))
	if err != nil {
		return err
	}
	var waits []int64
	for time.Now().UnixNano() < until {
		start := time.Now()
		release, err := s.Acquire(context.Background())
		if err != nil {
			return err
		}
		waits = append(waits, int64(time.Since(start)))
		time.Sleep(hold) // the Docker call the slot stands for, not a synchronization
		if err := release(); err != nil {
			return err
		}
	}
	return json.NewEncoder(out).Encode(waits)
}

// Load is one run's setting: Procs processes share Slots slots for
// Length, each holding a slot Hold per call.
type Load struct {
	Procs, Slots int
	Hold, Length time.Duration
}

// Measure runs load once per b.N: child(env) must return a command (not
// started) that runs [Child] on the backend's slots with env added to its
// environment, all children of one run sharing the same slots. It reports
// the waits' p50/p99/max and the spread of calls per process around the
// mean. A fair queue gives every process about the same number of calls
// and a p99 wait near (Procs/Slots - 1) x Hold.
func Measure(b *testing.B, load Load, child func(run int, env []string) *exec.Cmd) {
	b.Helper()
	for run := range b.N {
		until := time.Now().Add(load.Length).UnixNano()
		env := []string{envSlots + "=" + strconv.Itoa(load.Slots), envHold + "=" + load.Hold.String(),
			envUntil + "=" + strconv.FormatInt(until, 10), "GORACE=atexit_sleep_ms=0"}
		waits, calls := runChildren(b, load.Procs, func() *exec.Cmd { return child(run, env) })
		report(b, load, waits, calls)
	}
}

// runChildren starts procs children and gathers every wait and each
// child's number of calls.
func runChildren(b *testing.B, procs int, child func() *exec.Cmd) (all []time.Duration, calls []int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range procs {
		cmd := child()
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
	return all, calls
}

// report writes the run's figures as benchmark metrics and a log line.
func report(b *testing.B, load Load, all []time.Duration, calls []int) {
	b.Helper()
	if len(all) == 0 || len(calls) == 0 {
		b.Fatal("no call was made")
	}
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
		load.Procs, load.Slots, load.Hold, load.Length, total, pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
		all[len(all)-1].Round(time.Millisecond), calls, mean, spread)
}
