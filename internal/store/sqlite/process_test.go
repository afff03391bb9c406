package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	processes       = 8
	cyclesPerChild  = 200
	integrityWanted = "ok"
)

// TestProcessesShareStore runs 8 real processes that each add and release
// a lease on one environment 200 times, all at once: every operation must
// succeed (no "database is locked"), no lease may remain, and the file
// must pass an integrity check.
func TestProcessesShareStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.PutEnv(ctx, testEnv("shared-env")))
	require.NoError(t, s.Close())

	wall, lat := runChildren(t, "cycles", path, childEnvID+"=shared-env", childCycles+"="+strconv.Itoa(cyclesPerChild))
	require.Len(t, lat, processes*cyclesPerChild*2)
	slices.Sort(lat)
	pct := func(p int) time.Duration { return lat[(len(lat)-1)*p/100] }
	slow := len(lat) - sort.Search(len(lat), func(i int) bool { return lat[i] > 10*time.Millisecond })
	t.Logf("%d processes x %d add+release cycles: %v wall (%.0f cycles/s); per call p50 %v, p95 %v, p99 %v, max %v; %d of %d calls over 10ms",
		processes, cyclesPerChild, wall.Round(time.Millisecond), float64(processes*cyclesPerChild)/wall.Seconds(),
		pct(50), pct(95), pct(99), pct(100), slow, len(lat))

	s = reopen(t, path)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, all)
	e, err := s.Env(ctx, "shared-env")
	require.NoError(t, err)
	assert.False(t, e.IdleSince.IsZero(), "the last release marks the environment idle")
}

// TestProcessesOpenNewStore has 8 processes open one new store at once, so
// they race to create the file, switch it to WAL and migrate it.
func TestProcessesOpenNewStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new", "berth.db")
	wall, _ := runChildren(t, "open", path)
	t.Logf("%d processes opened a new store at once: %v wall", processes, wall)

	s := reopen(t, path)
	tx, err := s.read(ctx)
	require.NoError(t, err)
	v, err := tx.version(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(migrations), v)
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Len(t, envs, processes)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Len(t, all, processes)
}

// reopen opens the store at path after the children are done and checks
// its integrity.
func reopen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	var res string
	require.NoError(t, s.db.QueryRow(`PRAGMA integrity_check`).Scan(&res))
	assert.Equal(t, integrityWanted, res)
	return s
}

// runChildren starts the children, waits until each says "ready", releases
// them all at once and waits for them; every child must exit 0. It returns
// the wall time from the release to the last exit and the latencies of
// the store calls the children reported.
func runChildren(t *testing.T, role, path string, env ...string) (time.Duration, []time.Duration) {
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
		c.cmd.Env = append(os.Environ(), append(env, childRole+"="+role, childDB+"="+path)...)
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
	var lat []time.Duration
	for i, c := range children {
		line, _ := c.stdout.ReadString('\n') // EOF if the child failed
		require.NoError(t, c.cmd.Wait(), "child %d: %s", i, &c.stderr)
		fields := strings.Fields(line)
		require.True(t, len(fields) > 0 && fields[0] == "done", "child %d said %q", i, line)
		for _, f := range fields[1:] {
			ns, err := strconv.ParseInt(f, 10, 64)
			require.NoError(t, err)
			lat = append(lat, time.Duration(ns))
		}
	}
	return time.Since(start), lat
}
