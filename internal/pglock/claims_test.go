package pglock

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// 6 processes claim 1 unit each, at once, from a capacity of 2: deciding
// and claiming are one step, so exactly 2 get it. When one of those is
// SIGKILLed its claim is gone, and a new claimant fits again.
func TestClaimsAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	scope := pgtest.Scope(t)
	var mu sync.Mutex
	answers := map[string]int{}
	holders := []*exec.Cmd{}
	var wg sync.WaitGroup
	for i := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), roleEnv+"=claimant", "DSN="+dsn, "SCOPE="+scope, fmt.Sprintf("NAME=env-%d", i), "CAP=2")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		wg.Go(func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			mu.Lock()
			defer mu.Unlock()
			answers[line]++
			if line == "ok\n" {
				holders = append(holders, cmd)
			}
		})
	}
	wg.Wait()
	require.Equal(t, map[string]int{"ok\n": 2, "no\n": 4}, answers)

	c := Claims{Pool: testPool(t, dsn), Scope: scope}
	fitsOne := func(others []lock.Claimed) (bool, error) { return len(others)+1 <= 2, nil }
	_, ok, err := c.Claim(context.Background(), "late", 1, fitsOne)
	require.NoError(t, err)
	require.False(t, ok, "full")

	require.NoError(t, holders[0].Process.Kill())
	_, _ = holders[0].Process.Wait()
	var release func()
	require.Eventually(t, func() bool {
		release, ok, err = c.Claim(context.Background(), "late", 1, fitsOne)
		return err == nil && ok
	}, 10*time.Second, 10*time.Millisecond, "the killed claimant's claim should be gone")
	release()
	release() // harmless
}
