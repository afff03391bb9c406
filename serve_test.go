package berth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/clock"
)

// TestServeOverTheFakeEngine: Manager.Serve wires serve over the same
// store and lease book as acquire: the environment a Manager acquired and
// its live lease show in /api/status and /metrics; a second Serve of the
// same state is refused, naming the first; cancelling stops it cleanly.
func TestServeOverTheFakeEngine(t *testing.T) {
	r := newRig(t)
	getenv := func(k string) string { return r.env[k] }
	runner := r.open()
	env := r.acquire(runner, r.options())
	defer func() { require.NoError(t, env.Release(context.Background())) }()

	// Serve's loops wait on the clock: a real one here (the fake jumps).
	m, err := berth.OpenWith(getenv, r.eng, clock.Real{})
	require.NoError(t, err)
	defer m.Close()
	ctx, cancel := context.WithCancel(t.Context())
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- m.Serve(ctx, berth.ServeOptions{Addr: "127.0.0.1:0", NoGC: true, Listening: func(a string) { addrc <- a }})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	}
	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.Eventually(t, func() bool { return strings.Contains(get("/api/status"), env.ID) }, 10*time.Second, 50*time.Millisecond)
	metrics := get("/metrics")
	assert.Contains(t, metrics, "berth_leases_live 1\n")
	assert.Contains(t, metrics, `berth_environments{mode="shared",state="ready"} 1`)
	assert.Contains(t, get("/"), `data-id="`+env.ID+`"`)

	second, err := berth.OpenWith(getenv, r.eng, clock.Real{})
	require.NoError(t, err)
	defer second.Close()
	err = second.Serve(t.Context(), berth.ServeOptions{Addr: "127.0.0.1:0", NoGC: true})
	var running *berth.ServeAlreadyRunningError
	require.True(t, errors.As(err, &running), "a second serve of the same state: %v", err)
	assert.Equal(t, os.Getpid(), running.Running.PID)
	assert.Equal(t, addr, running.Running.Addr)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "a cancelled serve stops cleanly")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of its context's end")
	}
}

func TestServeRefusesBadOptionsBeforeAnyCall(t *testing.T) {
	for _, o := range []berth.ServeOptions{
		{Addr: "0.0.0.0:7391"},
		{Addr: "0.0.0.0:7391", AllowRemote: true},
		{Addr: "127.0.0.1:7391", GCMode: berth.GCDeep},
		{Addr: "127.0.0.1:7391", GCEvery: -time.Second},
	} {
		var ie *berth.InputError
		assert.ErrorAs(t, berth.CheckServe(o), &ie, "%+v", o)
	}
	assert.NoError(t, berth.CheckServe(berth.ServeOptions{Addr: "0.0.0.0:7391", AllowRemote: true, Token: "t"}))
}
