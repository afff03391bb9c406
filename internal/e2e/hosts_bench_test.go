//go:build linux

package e2e

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest/opsproxy"
)

// TestHostsBench is issue 12's full-size run, a benchmark rather than a
// part of the suite (scripts/bench-hosts runs it): with
// BERTH_BENCH_HOSTS=HxN, H simulated hosts × N `berth run` each, all
// started at once on one shared demo stack, every runner holding its lease
// until all are ready, then all let go (linger 0). The store is
// BERTH_BENCH_STORE: "postgres" (one database, a private state directory
// per host) or "sqlite" (every host on this world's one state directory).
// Every berth process reaches the daemon through a counting proxy
// (package opsproxy), BERTH_MAX_CONCURRENT_OPS is 4 unless set.
//
// It requires every run to pass, each service created once, nothing of
// the run left, and the daemon-side peak of mutating calls but pulls and
// builds within BERTH_MAX_CONCURRENT_OPS; it logs one "bench-hosts:" line
// of figures.
func TestHostsBench(t *testing.T) {
	spec := os.Getenv("BERTH_BENCH_HOSTS")
	if spec == "" {
		t.Skip("a benchmark: set BERTH_BENCH_HOSTS=HxN (see scripts/bench-hosts)")
	}
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		t.Skip("simulated hosts need root and unshare (util-linux)")
	}
	var nHosts, n int
	_, err := fmt.Sscanf(spec, "%dx%d", &nHosts, &n)
	require.NoError(t, err, "BERTH_BENCH_HOSTS=%q: want HxN", spec)
	store := cmp.Or(os.Getenv("BERTH_BENCH_STORE"), "postgres")
	limit := cmp.Or(os.Getenv("BERTH_MAX_CONCURRENT_OPS"), "4")

	w := newWorld(t)
	proxy := w.opsProxy(t)
	w.env = append(w.env, "BERTH_MAX_CONCURRENT_OPS="+limit)
	state := ""
	switch store {
	case "postgres":
		w.env = append(w.env, "BERTH_STORE="+storeDatabase(t))
	case "sqlite":
		state = w.state
	default:
		t.Fatalf("BERTH_BENCH_STORE=%q: want postgres or sqlite", store)
	}
	log := w.watch()
	args := append([]string{"run", "-p", w.project, "-f", demo(), "--"}, checkCmd()...)

	start := time.Now()
	hosts := make([]*simHost, nHosts)
	for i := range hosts {
		hosts[i] = w.launchHost(t, fmt.Sprintf("host-%c", 'a'+i), state, n, args...)
	}
	ready := 0
	for _, h := range hosts {
		ready += h.ready(t)
	}
	allReady := time.Since(start)
	passed := 0
	for _, h := range hosts {
		for _, code := range strings.Fields(strings.TrimPrefix(h.finish(t), "done")) {
			if code == "0" {
				passed++
			}
		}
	}
	wall := time.Since(start)

	counts := creates(log.finish(t, w.e))
	left := w.leftovers(context.Background())
	seen := proxy.Counts()
	t.Logf("bench-hosts: store=%s hosts=%d runners=%d max_ops=%s passed=%d/%d ready=%d all_ready_ms=%d wall_ms=%d "+
		"creates=%v leftovers=%d peak_slot_calls=%d peak_limited_calls=%d peak_mutating_calls=%d calls=%v",
		store, nHosts, nHosts*n, limit, passed, nHosts*n, ready, allReady.Milliseconds(), wall.Milliseconds(),
		counts, len(left), seen.PeakSlot, seen.PeakLimited, seen.PeakMutating, seen.Calls)
	assert.Equal(t, nHosts*n, passed, "runs passed")
	for _, svc := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, counts[svc], "creates of %s", svc)
	}
	assert.Empty(t, left, "linger 0: gone with the last lease")
	var max int
	_, err = fmt.Sscan(limit, &max)
	require.NoError(t, err)
	assert.LessOrEqual(t, seen.PeakLimited, max, "mutating calls (but pulls and builds) at the daemon at once")
	assert.Zero(t, seen.Calls[opsproxy.OtherWrite], "a write no gate op makes")
}
