package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
)

// Environment of a child process (see process_test.go): the test binary
// re-executed with childRole set runs one child role instead of the tests.
const (
	childRole   = "BERTH_STORE_TEST_CHILD" // "cycles" or "open"
	childDB     = "BERTH_STORE_TEST_DB"
	childEnvID  = "BERTH_STORE_TEST_ENV"
	childCycles = "BERTH_STORE_TEST_CYCLES"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childRole); role != "" {
		if err := runChild(role); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild says "ready" on stdout, waits for a line on stdin, then works:
//   - open: opens the (new) store, adds an environment of its own with a
//     lease, closes;
//   - cycles: with the store opened before "ready", adds and releases a
//     lease on the shared environment N times.
//
// When done it prints "done" and the latency of each store call in ns.
func runChild(role string) error {
	ctx := context.Background()
	path := os.Getenv(childDB)
	start, err := proc.StartTime(os.Getpid())
	if err != nil {
		return err
	}
	h := store.Holder{Host: proc.Host(), PID: os.Getpid(), StartTime: start}
	var s *Store
	if role == "cycles" {
		if s, err = Open(ctx, path); err != nil {
			return err
		}
		defer s.Close()
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return fmt.Errorf("wait for go: %w", err)
	}
	switch role {
	case "open":
		if s, err = Open(ctx, path); err != nil {
			return err
		}
		defer s.Close()
		id := "open-" + strconv.Itoa(os.Getpid())
		if err := s.PutEnv(ctx, store.Env{ID: id, Project: "p", Mode: "shared", State: store.StateReady, CreatedAt: time.Now()}); err != nil {
			return err
		}
		if _, err = s.AddLease(ctx, id, h, 0, time.Now()); err != nil {
			return err
		}
		fmt.Println("done")
		return nil
	case "cycles":
		lat, err := cycles(ctx, s, os.Getenv(childEnvID), h)
		if err != nil {
			return err
		}
		fmt.Print("done")
		for _, d := range lat {
			fmt.Print(" ", int64(d))
		}
		fmt.Println()
		return nil
	}
	return fmt.Errorf("unknown role %q", role)
}

// cycles adds and releases a lease n times and returns the latency of
// each call.
func cycles(ctx context.Context, s *Store, envID string, h store.Holder) ([]time.Duration, error) {
	n, err := strconv.Atoi(os.Getenv(childCycles))
	if err != nil {
		return nil, err
	}
	lat := make([]time.Duration, 0, 2*n)
	for i := range n {
		t := time.Now()
		l, err := s.AddLease(ctx, envID, h, 0, t)
		if err != nil {
			return nil, fmt.Errorf("cycle %d: %w", i, err)
		}
		t2 := time.Now()
		if _, err := s.ReleaseLease(ctx, l.ID, t2); err != nil {
			return nil, fmt.Errorf("cycle %d: %w", i, err)
		}
		lat = append(lat, t2.Sub(t), time.Since(t2))
	}
	return lat, nil
}
