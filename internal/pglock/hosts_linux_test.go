package pglock

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// runHost is a simulated host (PID 1 of its own PID, UTS and mount
// namespaces): it takes host name $HOST, starts $HOLDERS lease holders
// (lease locks $HOST-0 …) that only a signal ends, prints "held" once they all hold, and waits
// for its stdin to close.
func runHost() error {
	host := os.Getenv("HOST")
	if err := syscall.Sethostname([]byte(host)); err != nil {
		return fmt.Errorf("set host name: %w", err)
	}
	n, _ := strconv.Atoi(os.Getenv("HOLDERS"))
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), roleEnv+"=lease-holder", fmt.Sprintf("NAME=%s-%d", host, i), "STAY=1")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if _, err := cmd.StdinPipe(); err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "held\n" {
			return fmt.Errorf("holder %d did not hold: %q %v", i, line, err)
		}
	}
	return holdUntilStdinCloses()
}

// Two simulated hosts (separate PID, UTS and mount namespaces) hold 3
// leases each in one database; everything of host A is SIGKILLed at once
// (its namespace's init dies, and the kernel kills the rest): A's leases
// are judged dead from the other side, B's stay held.
func TestHostKilledByNamespace(t *testing.T) {
	dsn := pgtest.DSN(t)
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		if os.Getenv("BERTH_INTEGRATION") == "1" {
			t.Fatal("simulated hosts need root and unshare (util-linux)")
		}
		t.Skip("simulated hosts need root and unshare")
	}
	scope := pgtest.Scope(t)
	k := LeaseLocks{Pool: testPool(t, dsn), Scope: scope, Grace: time.Nanosecond}
	hosts := map[string]*proc{}
	for _, host := range []string{"host-a", "host-b"} {
		cmd := exec.Command("unshare", "--pid", "--uts", "--mount", "--fork", "--kill-child", "--", os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), roleEnv+"=host", "HOST="+host, "HOLDERS=3", "DSN="+dsn, "SCOPE="+scope)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		_, err = cmd.StdinPipe()
		require.NoError(t, err)
		hosts[host] = (&proc{cmd: cmd, done: make(chan error, 1)}).startCmd(t)
		line, err := bufio.NewReader(out).ReadString('\n')
		require.NoError(t, err, "host %s", host)
		require.Equal(t, "held\n", line)
	}
	probe := func(name string) Liveness {
		v, err := k.Probe(context.Background(), name)
		require.NoError(t, err)
		return v
	}
	for _, host := range []string{"host-a", "host-b"} {
		for i := range 3 {
			require.Equal(t, Held, probe(fmt.Sprintf("%s-%d", host, i)))
		}
	}
	hosts["host-a"].kill(t) // unshare dies; --kill-child SIGKILLs the namespace's init, and with it the host
	killed := time.Now()
	require.Eventually(t, func() bool {
		for i := range 3 {
			if probe(fmt.Sprintf("host-a-%d", i)) != Dead {
				return false
			}
		}
		return true
	}, 30*time.Second, 10*time.Millisecond)
	t.Logf("host-a's 3 leases judged dead %v after it was killed", time.Since(killed))
	for i := range 3 {
		require.Equal(t, Held, probe(fmt.Sprintf("host-b-%d", i)), "host-b is unaffected")
	}
}
