package lock

// The line's claims, proven with real OS processes: this test binary
// re-executes itself as waiters (see TestMain).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const waiterRole = "BERTH_LOCK_TEST_WAITER"

func TestMain(m *testing.M) {
	if os.Getenv(fairRole) != "" {
		if err := runFairLoad(); err != nil {
			fmt.Fprintln(os.Stderr, "fair load:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if name := os.Getenv(claimRole); name != "" {
		if err := runClaimant(name); err != nil {
			fmt.Fprintln(os.Stderr, "claimant:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if name := os.Getenv(waiterRole); name != "" {
		if err := runWaiter(name); err != nil {
			fmt.Fprintln(os.Stderr, "waiter:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runWaiter takes one of the slots in $DIR ($SLOTS of them), for an
// operation that arrived at $ARRIVAL (Unix ns) when set, appends its name
// to $DIR/order, and lets go.
func runWaiter(name string) error {
	dir := os.Getenv("DIR")
	n := 1
	fmt.Sscan(os.Getenv("SLOTS"), &n)
	ctx := context.Background()
	if a := os.Getenv("ARRIVAL"); a != "" {
		var ns int64
		fmt.Sscan(a, &ns)
		ctx = WithArrival(ctx, time.Unix(0, ns))
	}
	release, err := Slots{Dir: Dir{Path: dir}, N: n}.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	f, err := os.OpenFile(filepath.Join(dir, "order"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintln(f, name)
	return err
}

// queue starts waiters one after another, each only once the one before
// holds its ticket, so their joining order is known.
func queue(t *testing.T, dir string, names ...string) map[string]*exec.Cmd {
	return queueArriving(t, dir, nil, names...)
}

// queueArriving is queue with the waiters named in arrivals waiting for
// operations that arrived then.
func queueArriving(t *testing.T, dir string, arrivals map[string]time.Time, names ...string) map[string]*exec.Cmd {
	t.Helper()
	cmds := map[string]*exec.Cmd{}
	line := Slots{Dir: Dir{Path: dir}, N: 1}.line()
	for i, name := range names {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), waiterRole+"="+name, "DIR="+dir, "SLOTS=1", "GORACE=atexit_sleep_ms=0")
		if a, ok := arrivals[name]; ok {
			cmd.Env = append(cmd.Env, fmt.Sprintf("ARRIVAL=%d", a.UnixNano()))
		}
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		cmds[name] = cmd
		require.Eventually(t, func() bool { return tickets(t, line) == i+1 }, 10*time.Second, time.Millisecond,
			"waiter %s joins the line", name)
	}
	return cmds
}

func tickets(t *testing.T, l line) int {
	entries, err := os.ReadDir(l.dir.Path)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), l.prefix()) {
			n++
		}
	}
	return n
}

func order(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "order"))
	require.NoError(t, err)
	return strings.Fields(string(b))
}

// heldSlot is a directory of one slot, which the test holds.
func heldSlot(t *testing.T) (dir string, s Slots, release func() error) {
	dir = t.TempDir()
	s = Slots{Dir: Dir{Path: dir}, N: 1}
	release, ok, err := s.tryAny()
	require.NoError(t, err)
	require.True(t, ok)
	return dir, s, release
}

// TestWaitersAreServedInArrivalOrder: five processes queue for one slot
// held by the test; once it is released they get it in the order they
// came.
func TestWaitersAreServedInArrivalOrder(t *testing.T) {
	dir, s, release := heldSlot(t)
	names := []string{"w0", "w1", "w2", "w3", "w4"}
	cmds := queue(t, dir, names...)
	require.NoError(t, release())
	for _, n := range names {
		require.NoError(t, cmds[n].Wait(), n)
	}
	assert.Equal(t, names, order(t, dir))
	assert.Zero(t, tickets(t, s.line()), "every waiter left the line")
}

// TestAKilledWaiterDoesNotBlockTheLine: the head of the line and a waiter
// in the middle are SIGKILLed while they wait; the others are served, in
// order, and the dead ones' tickets are cleared.
func TestAKilledWaiterDoesNotBlockTheLine(t *testing.T) {
	dir, s, release := heldSlot(t)
	cmds := queue(t, dir, "head", "w1", "middle", "w3")
	for _, n := range []string{"head", "middle"} {
		require.NoError(t, cmds[n].Process.Kill())
		_ = cmds[n].Wait()
	}
	require.NoError(t, release())
	for _, n := range []string{"w1", "w3"} {
		require.NoError(t, cmds[n].Wait(), n)
	}
	assert.Equal(t, []string{"w1", "w3"}, order(t, dir))
	assert.Zero(t, tickets(t, s.line()), "dead waiters' tickets are cleared")
}

// TestWaitersAreServedByTheirOperationsArrival: five processes join the
// line for one slot held by the test, in the order w0..w4, for operations
// that arrived at 3, 1, 2, 1 and 0 s; w2 is SIGKILLed in the line. Once
// the slot is free they get it by arrival, the two of arrival 1 in joining
// order: w4, w1, w3, w0.
func TestWaitersAreServedByTheirOperationsArrival(t *testing.T) {
	dir, s, release := heldSlot(t)
	base := time.Now().Add(-time.Hour)
	at := func(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }
	arrivals := map[string]time.Time{"w0": at(3), "w1": at(1), "w2": at(2), "w3": at(1), "w4": at(0)}
	cmds := queueArriving(t, dir, arrivals, "w0", "w1", "w2", "w3", "w4")
	require.NoError(t, cmds["w2"].Process.Kill())
	_ = cmds["w2"].Wait()
	require.NoError(t, release())
	for _, n := range []string{"w0", "w1", "w3", "w4"} {
		require.NoError(t, cmds[n].Wait(), n)
	}
	assert.Equal(t, []string{"w4", "w1", "w3", "w0"}, order(t, dir))
	assert.Zero(t, tickets(t, s.line()), "every waiter left the line")
}
