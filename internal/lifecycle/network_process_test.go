package lifecycle_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
)

// envEnsureChild carries the NetworkSpec (JSON) to a child process of
// TestIntegrationEnsureNetworkProcesses; TestMain runs the child's body.
const envEnsureChild = "BERTH_LIFECYCLE_ENSURE_SPEC"

func TestMain(m *testing.M) {
	if spec := os.Getenv(envEnsureChild); spec != "" {
		if err := ensureChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// ensureChild is one berth process: it opens the production connection
// (gate over the Docker adapter, state in BERTH_STATE_DIR), says "ready",
// waits for the parent to close its stdin, then ensures the network and
// prints its ID.
func ensureChild(specJSON string) error {
	var spec engine.NetworkSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return err
	}
	conn, err := connect.FromEnv(os.Getenv, nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx := context.Background()
	dir, err := conn.StateDir(ctx)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return err
	}
	n, err := lifecycle.EnsureNetwork(ctx, conn, lock.Dir{Path: dir}, spec)
	if err != nil {
		return err
	}
	fmt.Println(n.ID)
	return nil
}

// TestIntegrationEnsureNetworkProcesses: 8 berth processes, released at
// the same moment, create the same network; all get the same one, and
// exactly one network of that name exists afterwards.
func TestIntegrationEnsureNetworkProcesses(t *testing.T) {
	r := newRealEnv(t)
	spec := engine.NetworkSpec{Name: "berth-" + r.envID, Labels: r.labels}
	specJSON, err := json.Marshal(spec)
	require.NoError(t, err)
	state := t.TempDir()

	const n = 8
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	children := make([]child, n)
	for i := range children {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envEnsureChild+"="+string(specJSON), "BERTH_STATE_DIR="+state, "GORACE=atexit_sleep_ms=0")
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		children[i] = child{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	}
	for i, c := range children {
		line, err := c.out.ReadString('\n')
		require.NoError(t, err, "child %d", i)
		require.Equal(t, "ready\n", line, "child %d", i)
	}
	for _, c := range children {
		require.NoError(t, c.stdin.Close()) // release them all at once
	}
	ids := map[string]int{}
	for i, c := range children {
		line, err := c.out.ReadString('\n')
		require.NoError(t, err, "child %d", i)
		require.NoError(t, c.cmd.Wait(), "child %d", i)
		ids[strings.TrimSpace(line)]++
	}
	assert.Len(t, ids, 1, "every process got the same network: %v", ids)
	got := exactNetworks(t, r.e, spec.Name)
	assert.Len(t, got, 1, "exactly one network named %s", spec.Name)
	t.Logf("%d processes, %d distinct network IDs, %d networks named %s on the daemon", n, len(ids), len(got), spec.Name)
}
