package testsvc

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock hands out timer channels the test fires by duration.
type fakeClock struct {
	mu      sync.Mutex
	pending map[time.Duration][]chan time.Time
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[time.Duration][]chan time.Time{}
	}
	ch := make(chan time.Time, 1)
	c.pending[d] = append(c.pending[d], ch)
	return ch
}

// fire waits until a timer of d is pending, then fires the oldest one.
func (c *fakeClock) fire(t *testing.T, d time.Duration) {
	t.Helper()
	var ch chan time.Time
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if q := c.pending[d]; len(q) > 0 {
			ch, c.pending[d] = q[0], q[1:]
			return true
		}
		return false
	}, 5*time.Second, time.Millisecond, "no timer of %s pending", d)
	ch <- time.Now()
}

// syncBuf is a goroutine-safe log sink.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
