package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// TestServeMetricsAgreeWithPsAndStats: with serve running and 10
// concurrent berth run on the demo stack, /metrics (parsed with
// Prometheus' own parser) agrees with berth ps --json on environments and
// live leases, and with berth stats --json on the Docker operations the
// runners made.
func TestServeMetricsAgreeWithPsAndStats(t *testing.T) {
	w := newWorld(t)
	s := w.startServe(t, nil, "--no-gc")
	rs := w.startRunners(t, 10, "-f", demo())

	// The store's figures are read at scrape time; ps is asked right after.
	fams := s.metrics(t)
	r := w.run("ps", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var envs []struct {
		ID, Mode, State string
		Leases          []struct{ Live bool }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &envs))
	live, byModeState := 0, map[[2]string]int{}
	for _, e := range envs {
		byModeState[[2]string{e.Mode, e.State}]++
		for _, l := range e.Leases {
			if l.Live {
				live++
			}
		}
	}
	assert.Equal(t, 10, live)
	got, _ := sample(fams, "berth_leases_live")
	assert.EqualValues(t, live, got, "berth_leases_live against berth ps --json")
	for k, n := range byModeState {
		if k[1] == "unknown to store" {
			// Found by labels (another state's, on this shared daemon):
			// serve counts them from its last sample, up to 10 s old, and
			// other sessions' stacks come and go meanwhile.
			continue
		}
		got, ok := sample(fams, "berth_environments", "mode", k[0], "state", k[1])
		assert.True(t, ok, "berth_environments{mode=%q,state=%q}", k[0], k[1])
		assert.EqualValues(t, n, got, "berth_environments{mode=%q,state=%q}", k[0], k[1])
	}
	up, _ := sample(fams, "berth_daemon_up")
	assert.EqualValues(t, 1, up)

	finish(t, rs)
	r = w.run("stats", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	fams = s.metrics(t)
	var st struct {
		Ops []struct {
			Op    string
			Count int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &st))
	ops := opCounts(fams)
	compared := 0
	for _, o := range st.Ops {
		// Serve, ps and stats themselves only read; the runners' calls
		// that change the daemon are all recorded by now and by no one
		// else, so the counts must be equal.
		if !engine.Op(o.Op).Mutating() {
			continue
		}
		compared++
		assert.Equal(t, o.Count, ops[o.Op], "berth_docker_operations_total{op=%q} against berth stats --json", o.Op)
	}
	assert.GreaterOrEqual(t, compared, 4, "creates, starts, stops, removes at least")
	t.Logf("compared %d operation kinds; metrics: %v", compared, ops)
}

// TestServeOnePerDaemonAndLoopback: a second serve exits 1 naming the
// first; a non-loopback address is refused (exit 2) without
// --allow-remote and a token; with them, requests need the bearer token.
func TestServeOnePerDaemonAndLoopback(t *testing.T) {
	w := newWorld(t)
	first := w.startServe(t, nil, "--no-gc")
	r := w.run("serve", "--addr", "127.0.0.1:0", "--no-gc")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "already running")
	assert.Contains(t, r.stderr, first.addr)
	assert.Contains(t, r.stderr, "PID ")

	r = w.run("serve", "--addr", "0.0.0.0:7391")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--allow-remote")
	r = w.run("serve", "--addr", "0.0.0.0:7391", "--allow-remote")
	assert.Equal(t, 2, r.code, "--allow-remote without BERTH_SERVE_TOKEN: %s", r.stderr)

	other := newWorld(t) // another state directory: its own serve
	remote := other.startServe(t, []string{"BERTH_SERVE_TOKEN=tok-" + other.project}, "--no-gc", "--addr", "0.0.0.0:0", "--allow-remote")
	_, port, _ := strings.Cut(remote.addr, "]:")
	if port == "" {
		_, port, _ = strings.Cut(remote.addr, ":")
	}
	remote.addr = "127.0.0.1:" + port
	for _, p := range []string{"/", "/api/status", "/metrics"} {
		code, _ := remote.get(t, p)
		assert.Equal(t, http.StatusUnauthorized, code, p)
		code, _ = remote.get(t, p, "Authorization", "Bearer tok-"+other.project)
		assert.Equal(t, http.StatusOK, code, p)
	}
}
