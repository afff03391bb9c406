package opsproxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// fakeDaemon is an HTTP server on a unix socket: every request reports its
// arrival and is answered once release is closed; an upgrade request
// (POST /exec/*/start) is answered 101 and echoes what it reads.
type fakeDaemon struct {
	path    string
	arrived chan string
	release chan struct{}
}

func startFakeDaemon(t *testing.T) *fakeDaemon {
	t.Helper()
	dir, err := os.MkdirTemp("", "opsproxy")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	d := &fakeDaemon{path: filepath.Join(dir, "d.sock"), arrived: make(chan string, 100), release: make(chan struct{})}
	ln, err := net.Listen("unix", d.path)
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(d.serve)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return d
}

func (d *fakeDaemon) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") == "tcp" {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
		_ = brw.Flush()
		line, _ := brw.ReadString('\n')
		_, _ = c.Write([]byte("echo " + line))
		return
	}
	d.arrived <- r.Method + " " + r.URL.Path
	<-d.release
	w.WriteHeader(http.StatusNoContent)
}

func client(p *Proxy) *http.Client {
	path := strings.TrimPrefix(p.Host(), "unix://")
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}}
}

// TestProxyCountsCallsInFlight: 3 creates, 2 stops, a write no gate op
// makes (restart), a pull and a wait in flight at once are 5 slot calls
// (creates, stops), 6 limited ones (and the restart) and 7 mutating ones
// (and the pull) at the peak; calls made one at a time afterwards do not
// raise them.
func TestProxyCountsCallsInFlight(t *testing.T) {
	d := startFakeDaemon(t)
	p, err := Start(t.TempDir(), d.path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })
	c := client(p)
	reqs := []string{"POST /v1.47/containers/create", "POST /v1.47/containers/create", "POST /v1.47/containers/create",
		"POST /v1.47/containers/a/stop", "POST /v1.47/containers/b/stop", "POST /v1.47/containers/a/wait",
		"POST /v1.47/containers/a/restart", "POST /v1.47/images/create?fromImage=x"}
	var wg sync.WaitGroup
	do := func(req string) {
		method, path, _ := strings.Cut(req, " ")
		r, err := http.NewRequest(method, "http://docker"+path, nil)
		if !assert.NoError(t, err) {
			return
		}
		resp, err := c.Do(r)
		if assert.NoError(t, err) {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
		}
	}
	for _, req := range reqs {
		wg.Go(func() { do(req) })
	}
	for range reqs {
		<-d.arrived // all eight are at the daemon, none answered
	}
	now := p.Counts()
	assert.Equal(t, 5, now.PeakSlot)
	assert.Equal(t, 6, now.PeakLimited)
	assert.Equal(t, 7, now.PeakMutating)
	assert.Equal(t, map[engine.Op]int{engine.OpContainerCreate: 3, engine.OpContainerStop: 2, OtherWrite: 1}, now.AtPeakLimited)
	close(d.release)
	wg.Wait()
	for range 4 {
		do("DELETE /v1.47/containers/a")
		<-d.arrived
	}
	got := p.Counts()
	assert.Equal(t, 5, got.PeakSlot)
	assert.Equal(t, 6, got.PeakLimited)
	assert.Equal(t, 7, got.PeakMutating)
	assert.Equal(t, map[engine.Op]int{engine.OpContainerCreate: 3, engine.OpContainerStop: 2, "read": 1,
		OtherWrite: 1, engine.OpImagePull: 1, engine.OpContainerRemove: 4}, got.Calls)
}

// TestProxyPassesHijackedStreams: an exec start upgraded to a raw stream
// (as the Docker client does) flows both ways through the proxy.
func TestProxyPassesHijackedStreams(t *testing.T) {
	d := startFakeDaemon(t)
	p, err := Start(t.TempDir(), d.path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })
	conn, br := startExecStream(t, p)
	_, err = io.WriteString(conn, "hello\n")
	require.NoError(t, err)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "echo hello\n", line)
	assert.Equal(t, 1, p.Counts().Calls[engine.OpContainerExec])
}

// startExecStream starts exec e1 through p as the Docker client does,
// upgraded to a raw stream, and returns the connection and its reader
// past the upgrade's response.
func startExecStream(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("unix", strings.TrimPrefix(p.Host(), "unix://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = io.WriteString(conn, "POST /v1.47/exec/e1/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	return conn, br
}

// inFlight is how many limited calls p counts now.
func (p *Proxy) inFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limited
}

// TestProxyEndsACallBeforeItsCallerSeesTheEnd: by the time a caller has
// read a whole response (Content-Length) or the end of a hijacked exec
// stream, the proxy no longer counts the call, so the caller's next call
// (with the same slot) cannot be counted next to it.
func TestProxyEndsACallBeforeItsCallerSeesTheEnd(t *testing.T) {
	dir, err := os.MkdirTemp("", "opsproxy")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	upstream := filepath.Join(dir, "d.sock")
	ln, err := net.Listen("unix", upstream)
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "tcp" { // an exec: one line out, then the daemon's side ends
			c, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			_, _ = brw.WriteString("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nbye\n")
			_ = brw.Flush()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "10")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"Id":"x"}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	p, err := Start(t.TempDir(), upstream)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })

	resp, err := client(p).Post("http://docker/v1.47/containers/create", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.JSONEq(t, `{"Id":"x"}`, string(body))
	assert.Zero(t, p.inFlight(), "the create's count ended before its last byte")

	_, br := startExecStream(t, p)
	rest, err := io.ReadAll(br) // to the end of the daemon's side
	require.NoError(t, err)
	assert.Equal(t, "bye\n", string(rest))
	assert.Zero(t, p.inFlight(), "the exec's count ended before its stream's end reached the caller")
	c := p.Counts()
	assert.Equal(t, 1, c.PeakLimited)
	assert.Equal(t, 1, c.Calls[engine.OpContainerExec])
}
