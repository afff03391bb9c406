package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roleEnv makes this test binary play a runner that reports only its first
// cycle and then dies (exit 4), as a crashed berth stress-runner would.
const roleEnv = "BERTH_STRESS_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "dying-runner" {
		i, _ := strconv.Atoi(os.Getenv("RUNNER"))
		_ = json.NewEncoder(os.Stdout).Encode(Outcome{Runner: i, Cycle: 1, OK: true})
		fmt.Fprintln(os.Stderr, "runner: killed by the test")
		os.Exit(4)
	}
	os.Exit(m.Run())
}

// Real processes: each runner reports one cycle of two and dies; the
// missing cycle is a failure carrying the process's exit code and stderr.
func TestSpawnFailsTheCyclesADeadRunnerDidNotReport(t *testing.T) {
	var done atomic.Int32
	set := &runnerSet{onDone: func(bool) { done.Add(1) }}
	start := func(ctx context.Context, i int) *exec.Cmd {
		cmd := exec.CommandContext(ctx, os.Args[0])
		cmd.Env = append(os.Environ(), roleEnv+"=dying-runner", "RUNNER="+strconv.Itoa(i))
		return cmd
	}
	require.NoError(t, set.spawn(context.Background(), start, 3, 2))
	assert.Equal(t, 3, set.passed)
	assert.Len(t, set.pids, 3)
	require.Len(t, set.failures, 3)
	for _, f := range set.failures {
		assert.Equal(t, 2, f.Cycle)
		assert.Equal(t, 4, f.ExitCode)
		assert.Contains(t, f.Message, "runner: killed by the test")
	}
	assert.EqualValues(t, 6, done.Load())
}

func TestSpawnFailsARunnerThatCannotStart(t *testing.T) {
	set := &runnerSet{}
	start := func(ctx context.Context, i int) *exec.Cmd {
		return exec.CommandContext(ctx, "/nonexistent/berth")
	}
	require.Error(t, set.spawn(context.Background(), start, 2, 1))
	assert.Zero(t, set.passed)
	assert.Len(t, set.failures, 2)
}
