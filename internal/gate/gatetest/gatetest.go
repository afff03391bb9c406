// Package gatetest is the contract suite of the gate's shared backends
// ([gate.Backend]): the state files and lock files of one host
// ([gate.Files], run by this package's own tests) and PostgreSQL (package
// pglock). Its concurrency claims are proven with real processes: the test
// binary re-executes itself, so its TestMain must call [Child] first.
package gatetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/lock"
)

// Env names the suite passes to its child processes.
const (
	roleEnv     = "BERTH_GATETEST_ROLE"
	scopeDirEnv = "BERTH_GATETEST_SCOPE_DIR"
	scopeKeyEnv = "BERTH_GATETEST_SCOPE_KEY"
	nameEnv     = "BERTH_GATETEST_NAME"
	roundsEnv   = "BERTH_GATETEST_ROUNDS"
	slotsEnv    = "BERTH_GATETEST_SLOTS"
)

// Child plays a child process's role, when this process is one, and
// exits; otherwise it returns. backend makes the backend under test, the
// same way in every process.
func Child(backend func() (gate.Backend, error)) {
	role := os.Getenv(roleEnv)
	if role == "" {
		return
	}
	if err := runChild(role, backend); err != nil {
		fmt.Fprintln(os.Stderr, "gatetest child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runChild(role string, backend func() (gate.Backend, error)) error {
	b, err := backend()
	if err != nil {
		return err
	}
	scope := gate.Scope{Dir: os.Getenv(scopeDirEnv), Key: os.Getenv(scopeKeyEnv)}
	rounds, _ := strconv.Atoi(os.Getenv(roundsEnv))
	st, err := b.State(scope, os.Getenv(nameEnv))
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	switch role {
	case "increment": // add 1 to the counter, rounds times
		for range rounds {
			if err := st.Update(ctx, increment); err != nil {
				return err
			}
		}
		return nil
	case "slot-user": // rounds times: take a slot, count the holders in the state, let go
		n, _ := strconv.Atoi(os.Getenv(slotsEnv))
		slots := b.Slots(scope, "slot", n, nil)
		for range rounds {
			release, err := slots.Acquire(ctx)
			if err != nil {
				return err
			}
			if err := st.Update(ctx, enter); err != nil {
				return err
			}
			if err := st.Update(ctx, leave); err != nil {
				return err
			}
			if err := release(); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown role %q", role)
}

// increment adds one to a decimal counter ("" is 0).
func increment(old []byte) []byte {
	n, _ := strconv.Atoi(string(old))
	return []byte(strconv.Itoa(n + 1))
}

// enter and leave keep "<in> <peak>": holders now and the most ever.
func enter(old []byte) []byte {
	var in, peak int
	fmt.Sscan(string(old), &in, &peak)
	in++
	return fmt.Appendf(nil, "%d %d", in, max(in, peak))
}

func leave(old []byte) []byte {
	var in, peak int
	fmt.Sscan(string(old), &in, &peak)
	return fmt.Appendf(nil, "%d %d", in-1, peak)
}

// Run runs the contract on the backend made by backend; scope makes a
// fresh scope for one test.
func Run(t *testing.T, backend func() (gate.Backend, error), scope func(t *testing.T) gate.Scope) {
	b, err := backend()
	require.NoError(t, err)
	read := func(t *testing.T, st gate.State) string {
		var got string
		require.NoError(t, st.Update(t.Context(), func(old []byte) []byte { got = string(old); return old }))
		return got
	}
	open := func(t *testing.T, sc gate.Scope, name string) gate.State {
		st, err := b.State(sc, name)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}

	t.Run("starts empty and keeps what was written", func(t *testing.T) {
		sc := scope(t)
		st := open(t, sc, "limit")
		require.Equal(t, "", read(t, st))
		require.NoError(t, st.Update(t.Context(), func([]byte) []byte { return []byte(`{"limit":7}`) }))
		require.Equal(t, `{"limit":7}`, read(t, st))
		require.Equal(t, `{"limit":7}`, read(t, open(t, sc, "limit")), "another handle sees it")
		require.NoError(t, st.Update(t.Context(), func([]byte) []byte { return []byte(`5`) }))
		require.Equal(t, `5`, read(t, open(t, sc, "limit")), "a shorter value replaces a longer one")
	})

	t.Run("names and scopes are apart", func(t *testing.T) {
		a, b2 := scope(t), scope(t)
		require.NoError(t, open(t, a, "budget").Update(t.Context(), increment))
		require.Equal(t, "", read(t, open(t, a, "breaker")))
		require.Equal(t, "", read(t, open(t, b2, "budget")))
		require.Equal(t, "1", read(t, open(t, a, "budget")))
	})

	t.Run("updates are atomic across goroutines", func(t *testing.T) {
		sc := scope(t)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := b.State(sc, "counter")
				if err != nil {
					t.Error(err)
					return
				}
				defer st.Close()
				for range 25 {
					if err := st.Update(context.Background(), increment); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		require.Equal(t, "100", read(t, open(t, sc, "counter")))
	})

	t.Run("updates are atomic across processes", func(t *testing.T) {
		sc := scope(t)
		runAll(t, 4, "increment", sc, "counter", "50", "")
		require.Equal(t, "200", read(t, open(t, sc, "counter")))
	})

	t.Run("slots bound holders across processes", func(t *testing.T) {
		sc := scope(t)
		runAll(t, 6, "slot-user", sc, "holders", "20", "2")
		var in, peak int
		fmt.Sscan(read(t, open(t, sc, "holders")), &in, &peak)
		require.Equal(t, 0, in)
		require.LessOrEqual(t, peak, 2, "6 processes on 2 slots")
		require.GreaterOrEqual(t, peak, 1)
	})

	t.Run("n slots admit n holders", func(t *testing.T) {
		slots := b.Slots(scope(t), "slot", 2, nil)
		r1, err := slots.Acquire(t.Context())
		require.NoError(t, err)
		r2, err := slots.Acquire(t.Context())
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err = slots.Acquire(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded, "a third holder on 2 slots")
		require.NoError(t, r1())
		r3, err := slots.Acquire(t.Context())
		require.NoError(t, err, "a released slot is taken again")
		require.NoError(t, errors.Join(r2(), r3()))
	})

	// Waiters in one process stand for processes here: each holds its
	// own place (a lock file of its own, a connection of its own), as a
	// process would. The order is the claim; the line's process safety is
	// the "slots bound holders across processes" case's.
	t.Run("waiters are served by their operation's arrival, then their own", func(t *testing.T) {
		slots := b.Slots(scope(t), "slot", 1, nil)
		held, err := slots.Acquire(t.Context())
		require.NoError(t, err)
		base := time.Now()
		// Joining in this order, with these operations' arrivals (s after base).
		arrivals := []int{3, 1, 2, 1, 0}
		served := make(chan int, len(arrivals))
		errs := make(chan error, len(arrivals))
		for i, a := range arrivals {
			go func() {
				ctx := lock.WithArrival(t.Context(), base.Add(time.Duration(a)*time.Second))
				r, err := slots.Acquire(ctx)
				if err == nil {
					served <- i
					err = r()
				}
				errs <- err
			}()
			require.Eventually(t, func() bool {
				n, err := slots.Waiting(t.Context())
				return err == nil && n == i+1
			}, 10*time.Second, time.Millisecond, "waiter %d in line", i)
		}
		require.NoError(t, held())
		var order []int
		for range arrivals {
			require.NoError(t, <-errs)
			order = append(order, <-served)
		}
		require.Equal(t, []int{4, 1, 3, 2, 0}, order, "by arrival (0, 1, 1, 2, 3), the two of arrival 1 in joining order")
		n, err := slots.Waiting(t.Context())
		require.NoError(t, err)
		require.Zero(t, n)
	})

	t.Run("out of line: any of n slots, past the limit and a waiting line, never more than n", func(t *testing.T) {
		sc := scope(t)
		slots := b.Slots(sc, "slot", 3, func() int { return 1 })
		r1, err := slots.Acquire(t.Context())
		require.NoError(t, err)
		// A waiter in line, held back by the limit of 1.
		lctx, lcancel := context.WithCancel(t.Context())
		inLine := make(chan error, 1)
		go func() {
			r, err := slots.Acquire(lctx)
			if err == nil {
				err = r()
			}
			inLine <- err
		}()
		r2, err := slots.AcquireOutOfLine(t.Context())
		require.NoError(t, err, "a second slot past the limit of 1, ahead of the line")
		r3, err := slots.AcquireOutOfLine(t.Context())
		require.NoError(t, err, "the third of 3")
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err = slots.AcquireOutOfLine(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded, "a fourth holder on 3 slots")
		require.NoError(t, errors.Join(r2(), r3()))
		select {
		case err := <-inLine:
			t.Fatalf("the waiter in line got a slot above the limit: %v", err)
		default:
		}
		require.NoError(t, r1())
		require.NoError(t, <-inLine, "the waiter in line gets the slot within the limit")
		lcancel()
	})
}

// runAll runs n child processes in role at once and waits for them all.
func runAll(t *testing.T, n int, role string, sc gate.Scope, name, rounds, slots string) {
	t.Helper()
	var cmds []*exec.Cmd
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), roleEnv+"="+role, scopeDirEnv+"="+sc.Dir, scopeKeyEnv+"="+sc.Key,
			nameEnv+"="+name, roundsEnv+"="+rounds, slotsEnv+"="+slots, "GORACE=atexit_sleep_ms=0")
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "child %d", i)
	}
}
