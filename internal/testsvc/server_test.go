package testsvc

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type running struct {
	srv  *Server
	out  *syncBuf
	clk  *fakeClock
	done chan error
	stop context.CancelFunc
}

func start(t *testing.T, cfg Config) *running {
	t.Helper()
	if cfg.Ports == nil {
		cfg.Ports = []int{0}
	}
	r := &running{out: &syncBuf{}, clk: &fakeClock{}, done: make(chan error, 1)}
	r.srv = NewServer(cfg, Options{Stdout: r.out, After: r.clk.After, Host: "127.0.0.1"})
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- r.srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return r
}

func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // let Cleanup see it too
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("server did not return")
		return nil
	}
}

func (r *running) ready(t *testing.T) {
	t.Helper()
	select {
	case <-r.srv.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("server not ready")
	}
}

func get(t *testing.T, addr net.Addr, method, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr.String()+path, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestServerServesEveryPort(t *testing.T) {
	r := start(t, Config{Name: "web", Ports: []int{0, 0}, Log: "hello from web"})
	r.ready(t)
	addrs := r.srv.Addrs()
	require.Len(t, addrs, 2)
	for _, a := range addrs {
		code, body := get(t, a, "GET", "/healthz")
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "ok", body)
		_, body = get(t, a, "GET", "/")
		assert.Equal(t, "web", body)
	}
	out := r.out.String()
	assert.Contains(t, out, "testsvc web: starting, ports 0,0\n")
	assert.Contains(t, out, "hello from web\n")
	assert.Contains(t, out, "testsvc web: listening on "+addrs[0].String()+","+addrs[1].String())

	r.stop()
	require.NoError(t, r.wait(t))
}

func TestServerStartDelay(t *testing.T) {
	r := start(t, Config{Name: "slow", StartDelay: 3 * time.Second})
	r.clk.fire(t, 3*time.Second) // only fires once Run asked for it
	r.ready(t)
	assert.Equal(t, Healthy, r.srv.Health().State())
}

func TestServerNotReadyBeforeStartDelay(t *testing.T) {
	r := start(t, Config{Name: "slow", StartDelay: time.Hour, CrashAfter: 2 * time.Hour, ExitCode: 4})
	r.clk.fire(t, 2*time.Hour) // crash before the start delay ends
	var exit *ExitError
	require.ErrorAs(t, r.wait(t), &exit)
	assert.Equal(t, 4, exit.Code)
	select {
	case <-r.srv.Ready():
		t.Fatal("listened before the start delay")
	default:
	}
	assert.Nil(t, r.srv.Addrs())
}

func TestServerUnhealthyAfter(t *testing.T) {
	r := start(t, Config{Name: "x", UnhealthyAfter: time.Minute})
	r.ready(t)
	addr := r.srv.Addrs()[0]
	code, _ := get(t, addr, "GET", "/healthz")
	require.Equal(t, http.StatusOK, code)
	r.clk.fire(t, time.Minute)
	require.Eventually(t, func() bool { return r.srv.Health().State() == Unhealthy }, 5*time.Second, time.Millisecond)
	code, _ = get(t, addr, "GET", "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	get(t, addr, "POST", "/healthy")
	code, _ = get(t, addr, "GET", "/healthz")
	assert.Equal(t, http.StatusOK, code)
}

func TestServerCrashAfter(t *testing.T) {
	r := start(t, Config{Name: "x", CrashAfter: 5 * time.Second, ExitCode: 7})
	r.ready(t)
	r.clk.fire(t, 5*time.Second)
	var exit *ExitError
	require.ErrorAs(t, r.wait(t), &exit)
	assert.Equal(t, 7, exit.Code)
	assert.Contains(t, r.out.String(), "crash after 5s, exit 7")
}

func TestServerCrashOnRequest(t *testing.T) {
	r := start(t, Config{Name: "x", ExitCode: 3})
	r.ready(t)
	code, body := get(t, r.srv.Addrs()[0], "POST", "/crash")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "crashing", body)
	var exit *ExitError
	require.ErrorAs(t, r.wait(t), &exit)
	assert.Equal(t, 3, exit.Code)
}

func TestServerLogEvery(t *testing.T) {
	r := start(t, Config{Name: "x", LogEvery: time.Second})
	for range 3 {
		r.clk.fire(t, time.Second)
	}
	require.Eventually(t, func() bool {
		return strings.Contains(r.out.String(), "testsvc x: log line 3\n")
	}, 5*time.Second, time.Millisecond)
	assert.Contains(t, r.out.String(), "log line 1\n")
}

func TestServerHoldsMemory(t *testing.T) {
	r := start(t, Config{Name: "x", HoldMB: 2})
	r.ready(t)
	assert.Equal(t, 2, r.srv.HeldMB())
}

func TestServerPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	r := start(t, Config{Name: "x", Ports: []int{0, port}})
	err = r.wait(t)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listen on port")
}
