package e2e

import (
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wedgedSocket listens on a unix socket that accepts every connection and
// never answers: a Docker Desktop that hangs. It returns the socket's path.
func wedgedSocket(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wedged.sock")
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return path
}

// TestAWedgedDaemonFailsAtTheDeadlineThenFast: with DOCKER_HOST at a daemon
// that accepts connections and never answers, berth's first commands fail
// at their call deadline naming it, as "cannot reach the daemon"; once the
// breaker has counted its threshold of them, the next command fails fast
// with the breaker's message instead of waiting again.
func TestAWedgedDaemonFailsAtTheDeadlineThenFast(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "DOCKER_HOST=unix://"+wedgedSocket(t),
		"BERTH_READ_TIMEOUT=500ms", "BERTH_BREAKER_THRESHOLD=2")
	var tooks []time.Duration
	for i := range 2 {
		start := time.Now()
		r := w.run("up", "-f", demo(), "-p", w.project)
		took := time.Since(start)
		tooks = append(tooks, took)
		assert.Equal(t, 1, r.code, "up %d: %s", i, r.stderr)
		assert.Contains(t, r.stderr, "did not answer within 500ms", "up %d", i)
		assert.GreaterOrEqual(t, took, 500*time.Millisecond, "up %d gave up before its deadline", i)
	}
	start := time.Now()
	r := w.run("up", "-f", demo(), "-p", w.project)
	took := time.Since(start)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "circuit open")
	assert.NotContains(t, r.stderr, "did not answer")
	assert.Less(t, took, 500*time.Millisecond, "the open breaker answers without waiting for the daemon")
	t.Logf("wedged daemon: up took %v and %v (deadline 500ms), then %v refused by the breaker: %s",
		tooks[0].Round(time.Millisecond), tooks[1].Round(time.Millisecond), took.Round(time.Millisecond), strings.SplitN(r.stderr, "\n", 2)[0])
}
