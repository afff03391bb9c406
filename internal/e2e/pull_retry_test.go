package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// flakyProxy stands in front of a registry and fails the first n manifest
// requests with 503, as a registry behind a struggling load balancer does.
type flakyProxy struct {
	addr string

	mu        sync.Mutex
	failLeft  int
	manifests int // manifest requests seen, failed or not
}

func startFlakyProxy(t *testing.T, registry string, fail int) *flakyProxy {
	t.Helper()
	target, err := url.Parse("http://" + registry)
	require.NoError(t, err)
	p := &flakyProxy{failLeft: fail}
	rp := httputil.NewSingleHostReverseProxy(target)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = l.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/manifests/") {
			p.mu.Lock()
			p.manifests++
			fail := p.failLeft > 0
			if fail {
				p.failLeft--
			}
			p.mu.Unlock()
			if fail {
				http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// TestPullRetriesARegistryThatFails: a registry whose first two manifest
// requests fail: the pull succeeds on a retry, the stack comes up, and the
// retries show in berth stats.
func TestPullRetriesARegistryThatFails(t *testing.T) {
	w := newWorld(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{})
	pushed := w.push(reg, "v1", 0, 0)
	proxy := startFlakyProxy(t, reg.Addr, 2)
	ref := proxy.addr + strings.TrimPrefix(pushed, reg.Addr)
	t.Cleanup(func() { w.forgetImage(ref) })
	file := w.pullStack(ref, "")

	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	proxy.mu.Lock()
	manifests := proxy.manifests
	proxy.mu.Unlock()
	t.Logf("manifest requests at the proxy: %d (2 failed)", manifests)
	assert.Greater(t, manifests, 2, "the pull went through after the failures")

	r = w.run("stats", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var st struct {
		Ops []struct {
			Op      string `json:"op"`
			Count   int    `json:"count"`
			Retries int    `json:"retries"`
		} `json:"ops"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &st))
	retries := -1
	for _, op := range st.Ops {
		if op.Op == "image_pull" {
			retries = op.Retries
			t.Logf("berth stats: image_pull count %d, retries %d", op.Count, op.Retries)
		}
	}
	// The daemon asks for a manifest twice per attempt (HEAD, then GET): the
	// two failures make one failed attempt, so one retry.
	assert.GreaterOrEqual(t, retries, 1, "the failed attempt was retried, and counted")
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
}
