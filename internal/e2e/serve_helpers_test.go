package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// served is a running `berth serve`.
type served struct {
	cmd  *exec.Cmd
	addr string // host:port it listens on
	mu   sync.Mutex
	log  strings.Builder
}

func (s *served) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// startServe starts `berth serve --addr 127.0.0.1:0 args...` with extra
// environment env, waits for its "serving" line and stops it (SIGTERM,
// exit 0 required) when the test ends.
func (w *world) startServe(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	cmd := w.berth(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(cmd.Env, env...)
	errPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s := &served{cmd: cmd}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if _, rest, ok := strings.Cut(line, "msg=serving addr=http://"); ok {
				addr, _, _ := strings.Cut(rest, " ")
				addrc <- addr
			}
		}
		close(addrc)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		assert.NoError(t, err, "berth serve stops cleanly on SIGTERM; its log:\n%s", s.logText())
	})
	select {
	case addr, ok := <-addrc:
		require.True(t, ok, "berth serve exited before serving:\n%s", s.logText())
		s.addr = addr
	case <-time.After(30 * time.Second):
		t.Fatalf("berth serve did not start serving within 30 s:\n%s", s.logText())
	}
	return s
}

// get fetches path from serve with optional headers (name, value, ...).
func (s *served) get(t *testing.T, path string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// metrics scrapes /metrics and parses it with Prometheus' text parser.
func (s *served) metrics(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := s.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code, body)
	return itest.ParseMetrics(t, body)
}

// serveStatus reads /api/status.
func (s *served) status(t *testing.T) serveStatus {
	t.Helper()
	code, body := s.get(t, "/api/status")
	require.Equal(t, http.StatusOK, code, body)
	var st serveStatus
	require.NoError(t, json.Unmarshal([]byte(body), &st))
	return st
}

// serveStatus is the part of /api/status the tests read.
type serveStatus struct {
	Daemon struct{ Up, Known bool }
	Envs   []struct {
		ID       string
		State    string
		Leases   []struct{ Live bool }
		Services []struct{ Service, State string }
	}
}

// sample returns the value of the metric name whose labels include want
// (name, value, ...); ok is false when there is none.
func sample(fams map[string]*dto.MetricFamily, name string, want ...string) (float64, bool) {
	return itest.Sample(fams, name, want...)
}

// opCounts sums berth_docker_operations_total per op over outcomes.
func opCounts(fams map[string]*dto.MetricFamily) map[string]int {
	out := map[string]int{}
	f := fams["berth_docker_operations_total"]
	if f == nil {
		return out
	}
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if l.GetName() == "op" {
				out[l.GetValue()] += int(m.Counter.GetValue())
			}
		}
	}
	return out
}

// untilTrue polls cond every 200 ms until it holds or within passes; it
// returns how long it took and whether it held.
func untilTrue(within time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		if cond() {
			return time.Since(start), true
		}
		select {
		case <-ctx.Done():
			return time.Since(start), false
		case <-time.After(200 * time.Millisecond):
		}
	}
}
