package postgres_test

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
	"github.com/berth-dev/berth/internal/store/postgres"
)

// Environment of a child process (see process_test.go): the test binary
// re-executed with childRole set runs one child role instead of the tests.
const (
	childRole   = "BERTH_PG_TEST_CHILD" // "cycles" or "open"
	childDSN    = "BERTH_PG_TEST_DSN"
	childDaemon = "BERTH_PG_TEST_DAEMON"
	childEnvID  = "BERTH_PG_TEST_ENV"
	childCycles = "BERTH_PG_TEST_CYCLES"
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
//     lease, prints the store's ID, closes;
//   - cycles: with the store opened before "ready", adds and releases a
//     lease on the shared environment N times.
//
// When done it prints "done", then the store ID (open) or the latency of
// each store call in ns (cycles).
func runChild(role string) error {
	ctx := context.Background()
	dsn, daemon := os.Getenv(childDSN), os.Getenv(childDaemon)
	h := store.Holder{Host: proc.Host(), PID: os.Getpid()}
	var s *postgres.Store
	var err error
	if role == "cycles" {
		if s, err = postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{}); err != nil {
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
		if s, err = postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{}); err != nil {
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
		fmt.Println("done", s.ID())
		return nil
	case "cycles":
		n, err := strconv.Atoi(os.Getenv(childCycles))
		if err != nil {
			return err
		}
		lat := make([]time.Duration, 0, 2*n)
		for i := range n {
			t := time.Now()
			l, err := s.AddLease(ctx, os.Getenv(childEnvID), h, 0, t)
			if err != nil {
				return fmt.Errorf("cycle %d: %w", i, err)
			}
			t2 := time.Now()
			if _, err := s.ReleaseLease(ctx, l.ID, t2); err != nil {
				return fmt.Errorf("cycle %d: %w", i, err)
			}
			lat = append(lat, t2.Sub(t), time.Since(t2))
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
