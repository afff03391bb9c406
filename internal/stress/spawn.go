package stress

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
)

// stderrKept bounds how much of a runner's stderr is kept for a failure's
// message.
const stderrKept = 2000

// Runner starts runner i's process.
type Runner func(ctx context.Context, i int) *exec.Cmd

// runnerSet runs the runner processes and gathers their outcomes.
type runnerSet struct {
	mu       sync.Mutex
	passed   int
	failures []Failure
	pids     map[int]bool
	onDone   func(ok bool) // called for every finished run
}

// spawn starts n runners at once, each expected to print cycles outcomes,
// and waits for all of them. A runner that exits without printing all its
// outcomes fails its missing cycles with its exit code and stderr.
func (s *runnerSet) spawn(ctx context.Context, start Runner, n, cycles int) error {
	s.pids = map[int]bool{}
	var wg sync.WaitGroup
	var errs []error
	for i := 1; i <= n; i++ {
		cmd := start(ctx, i)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			errs = append(errs, fmt.Errorf("start runner %d: %w", i, err))
			s.finish(i, cycles, nil, err, "")
			continue
		}
		s.mu.Lock()
		s.pids[cmd.Process.Pid] = true
		s.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := s.read(stdout)
			werr := cmd.Wait()
			s.finish(i, cycles, seen, werr, stderr.String())
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// read records the outcome lines of one runner; it returns which cycles
// it reported.
func (s *runnerSet) read(r interface{ Read([]byte) (int, error) }) map[int]bool {
	seen := map[int]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var o Outcome
		if json.Unmarshal(sc.Bytes(), &o) != nil {
			continue
		}
		seen[o.Cycle] = true
		s.mu.Lock()
		if o.OK {
			s.passed++
		} else {
			s.failures = append(s.failures, Failure{Runner: o.Runner, Cycle: o.Cycle, ExitCode: o.ExitCode, Message: o.Error})
		}
		s.mu.Unlock()
		if s.onDone != nil {
			s.onDone(o.OK)
		}
	}
	return seen
}

func (s *runnerSet) finish(i, cycles int, seen map[int]bool, werr error, stderr string) {
	code := 0
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		code = ee.ExitCode()
	} else if werr != nil {
		code = -1
	}
	msg := strings.TrimSpace(stderr)
	if len(msg) > stderrKept {
		msg = "..." + msg[len(msg)-stderrKept:]
	}
	if msg == "" && werr != nil {
		msg = werr.Error()
	}
	for c := 1; c <= cycles; c++ {
		if seen[c] {
			continue
		}
		s.mu.Lock()
		s.failures = append(s.failures, Failure{Runner: i, Cycle: c, ExitCode: code,
			Message: "runner exited without reporting this cycle: " + msg})
		s.mu.Unlock()
		if s.onDone != nil {
			s.onDone(false)
		}
	}
}
