package lock

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const claimRole = "BERTH_LOCK_TEST_CLAIMANT"

// runClaimant claims 4 of a room of 10 in $DIR, prints "yes" or "no", and
// when it got the claim holds it until its stdin closes.
func runClaimant(name string) error {
	c := Claims{Dir: Dir{Path: os.Getenv("DIR")}}
	release, ok, err := c.Claim(context.Background(), name, 4, func(others []Claimed) (bool, error) {
		var sum int64
		for _, o := range others {
			sum += o.Amount
		}
		return sum+4 <= 10, nil
	})
	if err != nil {
		return err
	}
	if !ok {
		fmt.Println("no")
		return nil
	}
	defer release()
	fmt.Println("yes")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

type claimant struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	answer chan string
}

func startClaimant(t *testing.T, dir, name string) *claimant {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), claimRole+"="+name, "DIR="+dir, "GORACE=atexit_sleep_ms=0")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &claimant{cmd: cmd, stdin: in, answer: make(chan string, 1)}
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		c.answer <- strings.TrimSpace(line)
	}()
	t.Cleanup(func() { in.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return c
}

// TestClaimsDecideInOneStep: six processes at once each claim 4 of a room
// of 10; deciding and recording are one step, so exactly two get it.
func TestClaimsDecideInOneStep(t *testing.T) {
	dir := t.TempDir()
	var cs []*claimant
	for i := range 6 {
		cs = append(cs, startClaimant(t, dir, fmt.Sprintf("env-%d", i)))
	}
	yes := 0
	for _, c := range cs {
		if <-c.answer == "yes" {
			yes++
		}
	}
	assert.Equal(t, 2, yes)
}

// TestAClaimGoesWithItsProcess: a claim given back, and one whose process
// was SIGKILLed, make room for the next claimant.
func TestAClaimGoesWithItsProcess(t *testing.T) {
	dir := t.TempDir()
	a, b := startClaimant(t, dir, "a"), startClaimant(t, dir, "b")
	require.Equal(t, "yes", <-a.answer)
	require.Equal(t, "yes", <-b.answer)
	require.Equal(t, "no", <-startClaimant(t, dir, "c").answer, "the room is full")

	require.NoError(t, a.stdin.Close()) // a gives its claim back
	require.NoError(t, a.cmd.Wait())
	require.Equal(t, "yes", <-startClaimant(t, dir, "d").answer)

	require.NoError(t, b.cmd.Process.Kill())
	_ = b.cmd.Wait()
	require.Equal(t, "yes", <-startClaimant(t, dir, "e").answer, "a killed claimant's claim is gone")
	require.Equal(t, "no", <-startClaimant(t, dir, "f").answer)
}
