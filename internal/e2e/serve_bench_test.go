package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/store/sqlite"
)

// idleWindow is how long BenchmarkServeIdle watches an idle serve.
const idleWindow = time.Minute

// BenchmarkServeIdle measures what an idle `berth serve` costs: its CPU
// time and the Docker calls it makes per minute (from the op log, by its
// PID), with no environment of its state and nobody scraping. Run it once:
//
//	go test -run '^$' -bench ServeIdle -benchtime 1x ./internal/e2e/
func BenchmarkServeIdle(b *testing.B) {
	for b.Loop() {
		state := b.TempDir()
		cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
		cmd.Env = append(os.Environ(), roleEnv+"=berth", "BERTH_STATE_DIR="+state)
		errPipe, err := cmd.StderrPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		serving := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(errPipe)
			for sc.Scan() {
				if strings.Contains(sc.Text(), "msg=serving") {
					close(serving)
				}
			}
		}()
		<-serving
		time.Sleep(5 * time.Second) // past start-up (the first disk usage); this is the measurement, not synchronisation
		cpu0, start := cpuTime(b, cmd.Process.Pid), time.Now()
		time.Sleep(idleWindow)
		cpu1, end := cpuTime(b, cmd.Process.Pid), time.Now()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("serve did not stop cleanly: %v", err)
		}
		calls := opsOf(b, filepath.Join(state, "berth.db"), cmd.Process.Pid, start, end)
		minutes := end.Sub(start).Minutes()
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/minutes, "cpu-ms/min")
		total := 0
		for _, n := range calls {
			total += n
		}
		b.ReportMetric(float64(total)/minutes, "docker-calls/min")
		b.Logf("docker calls by kind over %s: %v", end.Sub(start).Round(time.Second), calls)
	}
}

// cpuTime is process pid's user + system CPU time (Linux /proc).
func cpuTime(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(raw), ") ") // the command name may hold spaces
	f := strings.Fields(rest)
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ = 100
}

// opsOf counts the op records of pid in [start, end) by kind.
func opsOf(b *testing.B, db string, pid int, start, end time.Time) map[string]int {
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	recs, err := s.Ops(context.Background(), start)
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		if r.PID == pid && r.Time.Before(end) {
			out[r.Op]++
		}
	}
	return out
}
