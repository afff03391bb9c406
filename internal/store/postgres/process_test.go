package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

const (
	processes      = 8
	cyclesPerChild = 100
)

// TestProcessesShareStore runs 8 real processes that each add and release
// a lease on one environment 100 times, all at once: every operation must
// succeed, no lease may remain, and the environment ends idle (the last
// release, whichever process made it, saw no lease left).
func TestProcessesShareStore(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	daemon := pgtest.DaemonID(t, dsn)
	s, err := postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
	require.NoError(t, err)
	require.NoError(t, s.PutEnv(ctx, store.Env{ID: "shared-env", Project: "p", Mode: "shared", State: store.StateReady, CreatedAt: time.Now()}))
	require.NoError(t, s.Close())

	wall, lines := runChildren(t, "cycles", dsn, daemon, childEnvID+"=shared-env", childCycles+"="+strconv.Itoa(cyclesPerChild))
	var lat []time.Duration
	for _, fields := range lines {
		for _, f := range fields {
			ns, err := strconv.ParseInt(f, 10, 64)
			require.NoError(t, err)
			lat = append(lat, time.Duration(ns))
		}
	}
	require.Len(t, lat, processes*cyclesPerChild*2)
	slices.Sort(lat)
	pct := func(p int) time.Duration { return lat[(len(lat)-1)*p/100] }
	t.Logf("%d processes x %d add+release cycles: %v wall (%.0f cycles/s); per call p50 %v, p95 %v, p99 %v, max %v",
		processes, cyclesPerChild, wall.Round(time.Millisecond), float64(processes*cyclesPerChild)/wall.Seconds(),
		pct(50), pct(95), pct(99), pct(100))

	s, err = postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
	require.NoError(t, err)
	defer s.Close()
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, all)
	e, err := s.Env(ctx, "shared-env")
	require.NoError(t, err)
	assert.False(t, e.IdleSince.IsZero(), "the last release marks the environment idle")
}

// TestProcessesOpenNewStore has 8 processes open one daemon's new schema
// at once, so they race to create and migrate it: all succeed, all see
// one store ID, and every write is there.
func TestProcessesOpenNewStore(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	daemon := pgtest.DaemonID(t, dsn)
	wall, lines := runChildren(t, "open", dsn, daemon)
	t.Logf("%d processes opened a new store at once: %v wall", processes, wall)

	s, err := postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
	require.NoError(t, err)
	defer s.Close()
	for i, fields := range lines {
		require.Equal(t, []string{s.ID()}, fields, "child %d saw another store ID", i)
	}
	v, err := postgres.SchemaVersion(s, ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.MigrationSteps, v)
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Len(t, envs, processes)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Len(t, all, processes)
}

// runChildren starts the children, waits until each says "ready", releases
// them all at once and waits for them; every child must exit 0 and say
// "done". It returns the wall time from the release to the last exit and
// the fields each child printed after "done".
func runChildren(t *testing.T, role, dsn, daemon string, env ...string) (time.Duration, [][]string) {
	t.Helper()
	type child struct {
		cmd    *exec.Cmd
		stdin  io.WriteCloser
		stdout *bufio.Reader
		stderr bytes.Buffer
	}
	children := make([]*child, processes)
	for i := range children {
		c := &child{cmd: exec.Command(os.Args[0])}
		c.cmd.Env = append(os.Environ(), append(env, childRole+"="+role, childDSN+"="+dsn, childDaemon+"="+daemon)...)
		c.cmd.Stderr = &c.stderr
		stdin, err := c.cmd.StdinPipe()
		require.NoError(t, err)
		stdout, err := c.cmd.StdoutPipe()
		require.NoError(t, err)
		c.stdin, c.stdout = stdin, bufio.NewReader(stdout)
		require.NoError(t, c.cmd.Start())
		t.Cleanup(func() { _ = c.cmd.Process.Kill(); _ = c.cmd.Wait() })
		line, err := c.stdout.ReadString('\n')
		require.NoError(t, err, "child %d: %s", i, &c.stderr)
		require.Equal(t, "ready\n", line)
		children[i] = c
	}
	start := time.Now()
	for _, c := range children {
		_, err := io.WriteString(c.stdin, "go\n")
		require.NoError(t, err)
	}
	var out [][]string
	for i, c := range children {
		line, _ := c.stdout.ReadString('\n') // EOF if the child failed
		require.NoError(t, c.cmd.Wait(), "child %d: %s", i, &c.stderr)
		fields := strings.Fields(line)
		require.True(t, len(fields) > 0 && fields[0] == "done", "child %d said %q", i, line)
		out = append(out, fields[1:])
	}
	return time.Since(start), out
}
