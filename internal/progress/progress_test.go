package progress_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/progress"
)

func TestPlainOneLinePerEvent(t *testing.T) {
	var b bytes.Buffer
	r := progress.NewPlain(&b)
	r.Service("db", progress.Creating, 0)
	r.Service("db", progress.Waiting, 150*time.Millisecond)
	r.Service("db", progress.Ready, 1234*time.Millisecond)
	r.Service("api", progress.Failed, 2*time.Second)
	assert.Equal(t, "db: creating\ndb: waiting after 150ms\ndb: ready after 1.2s\napi: failed after 2s\n", b.String())
}

func TestTTYRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	r := progress.NewTTY(&b)
	r.Service("db", progress.Creating, 0)
	first := b.String()
	assert.Equal(t, "\r\x1b[2K… db  creating  0s\n", first, "the first drawing moves nowhere")

	b.Reset()
	r.Service("api", progress.Creating, 0)
	assert.Equal(t, "\x1b[1A\r\x1b[2K… db   creating  0s\n\r\x1b[2K… api  creating  0s\n", b.String(),
		"a new service: up over the one line drawn, redraw both")

	b.Reset()
	r.Service("db", progress.Ready, 1500*time.Millisecond)
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "\x1b[2A"), "moves up over both lines: %q", out)
	assert.Contains(t, out, "✔ db   ready     1.5s\n")
	assert.Equal(t, 2, strings.Count(out, "\n"), "one line per service")
}

func TestTTYConcurrentReports(t *testing.T) {
	var b syncBuffer
	r := progress.NewTTY(&b)
	var wg sync.WaitGroup
	for _, n := range []string{"a", "b", "c", "d"} {
		wg.Go(func() {
			for _, p := range []progress.Phase{progress.Creating, progress.Starting, progress.Ready} {
				r.Service(n, p, time.Millisecond)
			}
		})
	}
	wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.b.String()
	i := strings.LastIndex(out, "\x1b[4A")
	require.GreaterOrEqual(t, i, 0, "the last drawing moves up over four lines")
	last := strings.Split(strings.TrimSuffix(out[i+len("\x1b[4A"):], "\n"), "\n")
	require.Len(t, last, 4)
	var names []string
	for _, l := range last {
		f := strings.Fields(strings.TrimPrefix(l, "\r\x1b[2K"))
		require.Len(t, f, 4, "line %q", l)
		assert.Equal(t, []string{"✔", "ready", "1ms"}, []string{f[0], f[2], f[3]}, "line %q", l)
		names = append(names, f[1])
	}
	assert.ElementsMatch(t, []string{"a", "b", "c", "d"}, names)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func TestForPicksByWriter(t *testing.T) {
	assert.Equal(t, progress.Nop{}, progress.For(nil))
	assert.IsType(t, &progress.Plain{}, progress.For(&bytes.Buffer{}))

	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	assert.IsType(t, &progress.Plain{}, progress.For(f), "a file is not a terminal")

	assert.Equal(t, progress.Nop{}, progress.OrNop(nil))
	p := progress.NewPlain(&bytes.Buffer{})
	assert.Same(t, p, progress.OrNop(p))
	progress.Nop{}.Service("x", progress.Ready, 0) // does nothing, must not panic
}

// Which path declared a service ready shows in its last line, and both
// count as done on a terminal.
func TestReadyPaths(t *testing.T) {
	var b bytes.Buffer
	r := progress.NewPlain(&b)
	r.Service("db", progress.ReadyProbe, 120*time.Millisecond)
	r.Service("api", progress.HealthyEngine, 30*time.Second)
	assert.Equal(t, "db: ready (probe) after 120ms\napi: healthy (engine) after 30s\n", b.String())

	b.Reset()
	tty := progress.NewTTY(&b)
	tty.Service("db", progress.ReadyProbe, 0)
	assert.Contains(t, b.String(), "✔ db  ready (probe)")
	for _, p := range []progress.Phase{progress.Ready, progress.ReadyProbe, progress.HealthyEngine, progress.Pulled} {
		assert.True(t, p.Done(), p)
	}
	for _, p := range []progress.Phase{progress.Waiting, progress.Failed, progress.Starting} {
		assert.False(t, p.Done(), p)
	}
}
