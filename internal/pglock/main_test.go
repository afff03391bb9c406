package pglock

// The concurrency claims, proven with real OS processes: this test binary
// re-executes itself in the roles below (see TestMain).

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/gate/gatetest"
	"github.com/berth-dev/berth/internal/lock"
)

const roleEnv = "BERTH_PGLOCK_TEST_ROLE"

func TestMain(m *testing.M) {
	gatetest.Child(gateBackend)
	if os.Getenv(roleEnv) == "keeper" { // as berth keep-lease, with its flags
		os.Exit(runKeeper(os.Args[1:]))
	}
	if role := os.Getenv(roleEnv); role != "" {
		if err := runRole(role); err != nil {
			fmt.Fprintln(os.Stderr, role+":", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runRole plays one process of a test; its parameters come from the
// environment (DSN, SCOPE, NAME, SLOTS, ORDER).
func runRole(role string) error {
	if role == "host" {
		return runHost()
	}
	ctx := context.Background()
	pool, err := Connect(ctx, os.Getenv("DSN"))
	if err != nil {
		return err
	}
	defer pool.Close()
	locks := Locks{Pool: pool, Scope: os.Getenv("SCOPE")}
	name := os.Getenv("NAME")
	switch role {
	case "slot-waiter": // take a slot (for an operation that arrived at ARRIVAL, Unix ns, if set), append NAME to ORDER, let go
		n, _ := strconv.Atoi(os.Getenv("SLOTS"))
		wctx := ctx
		if a := os.Getenv("ARRIVAL"); a != "" {
			ns, _ := strconv.ParseInt(a, 10, 64)
			wctx = lock.WithArrival(ctx, time.Unix(0, ns))
		}
		release, err := Slots{Locks: locks, N: n}.Acquire(wctx)
		if err != nil {
			return err
		}
		defer release()
		f, err := os.OpenFile(os.Getenv("ORDER"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = fmt.Fprintln(f, name)
		return err
	case "lock-holder": // hold lock NAME until killed or stdin closes
		release, err := locks.Acquire(ctx, name)
		if err != nil {
			return err
		}
		defer release()
		return holdUntilStdinCloses()
	case "lease-holder": // hold lease lock NAME until killed or stdin closes
		h, err := LeaseLocks{Pool: pool, Scope: locks.Scope}.Hold(ctx, name)
		if err != nil {
			return err
		}
		defer h.Release()
		return holdUntilStdinCloses()
	case "claimant": // claim 1 of CAP units as NAME; print ok and hold, or no
		capacity, _ := strconv.ParseInt(os.Getenv("CAP"), 10, 64)
		release, ok, err := Claims{Pool: pool, Scope: locks.Scope}.Claim(ctx, name, 1, func(others []lock.Claimed) (bool, error) {
			sum := int64(0)
			for _, o := range others {
				sum += o.Amount
			}
			return sum+1 <= capacity, nil
		})
		if err != nil {
			return err
		}
		if !ok {
			fmt.Println("no")
			return nil
		}
		defer release()
		fmt.Println("ok")
		select {} // held until killed
	case "fair-load":
		return runFairLoad(locks)
	case "wait-dead": // probe lease lock NAME until it is dead; print how long that took
		k := LeaseLocks{Pool: pool, Scope: locks.Scope, Grace: time.Nanosecond}
		start := time.Now()
		for {
			v, err := k.Probe(ctx, name)
			if err != nil {
				return err
			}
			if v == Dead {
				fmt.Printf("%d\n", time.Since(start).Milliseconds())
				return nil
			}
			time.Sleep(10 * time.Millisecond) // a poll interval, the figure's resolution
		}
	case "prober": // probe lease lock NAME ROUNDS times; fail on any verdict but held
		n, _ := strconv.Atoi(os.Getenv("ROUNDS"))
		k := LeaseLocks{Pool: pool, Scope: locks.Scope, Grace: time.Nanosecond}
		for i := range n {
			v, err := k.Probe(ctx, name)
			if err != nil {
				return err
			}
			if v != Held {
				return fmt.Errorf("probe %d: lease judged %s while its holder holds it", i, v)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown role %q", role)
}

// runKeeper parses "--lock L --holder-pid N --holder-start S" and keeps.
func runKeeper(args []string) int {
	var lock string
	var pid int
	var start uint64
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--lock":
			lock = args[i+1]
		case "--holder-pid":
			pid, _ = strconv.Atoi(args[i+1])
		case "--holder-start":
			start, _ = strconv.ParseUint(args[i+1], 10, 64)
		}
	}
	if err := Keep(lock, pid, start, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "keeper:", err)
		return 1
	}
	return 0
}

func holdUntilStdinCloses() error {
	fmt.Println("held")
	if os.Getenv("STAY") == "1" { // only a signal ends it
		select {}
	}
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return nil
}

// proc is a role process started by a test.
type proc struct {
	cmd  *exec.Cmd
	done chan error
}

// start runs role with env; it is killed when the test ends.
func start(t *testing.T, role string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), roleEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	return p.startCmd(t)
}

func (p *proc) startCmd(t *testing.T) *proc {
	t.Helper()
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done; p.done <- nil })
	return p
}

// startHolder runs a holding role and returns once it says it holds.
func startHolder(t *testing.T, role string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), roleEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	_, err = cmd.StdinPipe() // closed when we are gone
	require.NoError(t, err)
	p := (&proc{cmd: cmd, done: make(chan error, 1)}).startCmd(t)
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "holder exited before holding")
	require.Equal(t, "held\n", line)
	return p
}

// kill SIGKILLs p and waits for it to be gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	<-p.done
	p.done <- nil
}

// wait waits for p to exit and returns its error.
func (p *proc) wait() error {
	err := <-p.done
	p.done <- err
	return err
}

func testPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := Connect(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}
