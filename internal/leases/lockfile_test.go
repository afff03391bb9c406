package leases

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// child starts the test binary in role (see TestMain) with args; its
// stdin is held open until the test ends (or the returned stdin closes).
func child(t *testing.T, role string, args ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, stdin, bufio.NewReader(out)
}

func skipWithoutLocks(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("these tests play holders with unix processes and signals")
	}
}

// TestOwnLockProbesHeld: flock locks belong to the open file, so this
// process's own probe (a new open) sees its own lease held; released,
// the file is gone and the lease reads as not held.
func TestOwnLockProbesHeld(t *testing.T) {
	skipWithoutLocks(t)
	k := Locks{Dir: t.TempDir()}
	h, err := k.Create()
	require.NoError(t, err)
	held, err := k.Probe(h.Name)
	require.NoError(t, err)
	assert.True(t, held, "a probe from the holder's own process sees the lock held")

	require.NoError(t, h.Release())
	_, err = os.Stat(k.Path(h.Name))
	assert.ErrorIs(t, err, os.ErrNotExist, "released: the file is removed")
	held, err = k.Probe(h.Name)
	require.NoError(t, err)
	assert.False(t, held)
	require.NoError(t, h.Release(), "a second release is harmless")
}

// TestProbersNeverMisleadEachOther: probes take a shared lock, so
// concurrent probers never exclude one another: while the holder holds its
// lock every probe says held, and once the holder is gone (its file left
// behind, as after kill -9) every probe says not held, however many probe
// at once. Goroutines here; real processes in
// TestProbersInManyProcessesAgree.
func TestProbersNeverMisleadEachOther(t *testing.T) {
	skipWithoutLocks(t)
	k := Locks{Dir: t.TempDir()}
	h, err := k.Create()
	require.NoError(t, err)
	count := func() (held, free int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for range 200 {
					ok, err := k.Probe(h.Name)
					assert.NoError(t, err)
					mu.Lock()
					if ok {
						held++
					} else {
						free++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return held, free
	}
	held, free := count()
	assert.Equal(t, 16*200, held)
	assert.Zero(t, free)

	h.Abandon() // the holder dies; its file stays
	_, err = os.Stat(k.Path(h.Name))
	require.NoError(t, err)
	held, free = count()
	assert.Zero(t, held, "no probe may read another prober's lock as a live holder")
	assert.Equal(t, 16*200, free)
}

// TestProbersInManyProcessesAgree: the same with 8 prober processes at
// once, and a holder that is a process of its own, killed with SIGKILL.
func TestProbersInManyProcessesAgree(t *testing.T) {
	skipWithoutLocks(t)
	dir := t.TempDir()
	holder, _, out := child(t, "hold", dir)
	name, err := out.ReadString('\n')
	require.NoError(t, err)
	name = strings.TrimSpace(name)
	require.True(t, strings.HasPrefix(name, "h-"), name)

	probeAll := func() []int {
		var counts []int
		var outs []*bufio.Reader
		for range 8 {
			_, _, o := child(t, "probe", dir, name, "300")
			outs = append(outs, o)
		}
		for _, o := range outs {
			line, err := o.ReadString('\n')
			require.NoError(t, err)
			n, err := strconv.Atoi(strings.TrimSpace(line))
			require.NoError(t, err, line)
			counts = append(counts, n)
		}
		return counts
	}
	for i, n := range probeAll() {
		assert.Equal(t, 300, n, "prober %d: the holder process holds it", i)
	}
	require.NoError(t, holder.Process.Kill())
	_ = holder.Wait()
	_, err = os.Stat(filepath.Join(dir, "leases", name+".lock"))
	require.NoError(t, err, "killed: the file stays, unlocked")
	for i, n := range probeAll() {
		assert.Zero(t, n, "prober %d: killed holder, nothing holds it", i)
	}
}

// TestProbeRefusesNamesOutsideTheDirectory: a record cannot make berth
// open files elsewhere.
func TestProbeRefusesNamesOutsideTheDirectory(t *testing.T) {
	k := Locks{Dir: t.TempDir()}
	for _, name := range []string{"", "../x", "h-../../etc/passwd", "x", "h-a/b"} {
		_, err := k.Probe(name)
		assert.Error(t, err, "%q", name)
	}
}

// TestSweepRemovesOnlyStrayFreeOldFiles: a lock file no lease names,
// nobody holds and older than the minimum age goes; held, named or young
// ones stay.
func TestSweepRemovesOnlyStrayFreeOldFiles(t *testing.T) {
	skipWithoutLocks(t)
	k := Locks{Dir: t.TempDir()}
	mk := func() *Held {
		h, err := k.Create()
		require.NoError(t, err)
		return h
	}
	old := time.Now().Add(-time.Hour)
	stray, held, named, young := mk(), mk(), mk(), mk()
	stray.Abandon()
	named.Abandon()
	young.Abandon()
	for _, h := range []*Held{stray, held, named} {
		require.NoError(t, os.Chtimes(k.Path(h.Name), old, old))
	}
	n := k.Sweep(map[string]bool{named.Name: true}, time.Minute, time.Now())
	assert.Equal(t, 1, n)
	assert.NoFileExists(t, k.Path(stray.Name))
	for _, h := range []*Held{held, named, young} {
		assert.FileExists(t, k.Path(h.Name))
	}
	require.NoError(t, held.Release())
}
