//go:build linux

package integrations

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The plugin's stack suite (integrations/pytest/tests/stack) has 11 tests.
const suiteTests = 11

// TestPytestWorkersShareOneEnvironment: pytest -n 4 with the plugin on a
// two-service stack. While the four workers wait at the gate, berth ps
// shows four live leases (theirs) on one environment; then every test
// passes, the daemon saw one create per service, berth stats (this
// world's records) says 4 acquisitions and a peak of 4 holders, the
// --docker-stats summary says the same, and with linger 0 nothing is left.
func TestPytestWorkersShareOneEnvironment(t *testing.T) {
	requirePytest(t)
	w := newWorld(t)
	log := w.watchCreates()
	s := w.startSession("--docker-stats")
	arr := s.arrivals(4)

	live := w.liveLeases()
	envs := map[string]bool{}
	for _, a := range arr {
		envs[a.Env] = true
		assert.Equal(t, a.Env, live[a.Lease], "worker %s's lease is live on its environment", a.Worker)
	}
	assert.Len(t, live, 4, "live leases while the workers wait")
	assert.Len(t, envs, 1, "one shared environment")

	s.open()
	code, out := s.wait()
	require.Equal(t, 0, code, out)
	cases := s.report()
	assert.Len(t, cases, suiteTests)
	for _, c := range cases {
		assert.True(t, c.Failure == nil && c.Error == nil, "%s did not pass", c.Name)
	}
	creates := perService(log.finish(t))
	u := w.usage()
	t.Logf("pytest -n 4, shared: creates per service %v, live leases at the gate %d, stats %+v", creates, len(live), u)
	assert.Equal(t, map[string]int{"api": 1, "db": 1}, creates)
	assert.Equal(t, usage{Acquisitions: 4, Created: 1, ReuseHits: 3, Releases: 4, PeakHolders: 4}, u)
	assert.Regexp(t, `peak concurrent holders\s+4`, out, "--docker-stats in the terminal summary")
	assert.Contains(t, out, "(shared, created)")
	assert.Empty(t, w.leftovers(), "linger 0: nothing left")
}

// TestPytestDedicatedCopies: pytest -n 4 --docker-dedicated: four copies
// of the stack at once, each worker on its own with ports of its own; all
// pass; four creates per service; nothing left.
func TestPytestDedicatedCopies(t *testing.T) {
	requirePytest(t)
	w := newWorld(t)
	log := w.watchCreates()
	s := w.startSession("--docker-dedicated")
	arr := s.arrivals(4)

	envs, ports := map[string]bool{}, map[string]string{}
	for _, a := range arr {
		envs[a.Env] = true
		for _, k := range []string{"BERTH_API_PORT_8080", "BERTH_DB_PORT_5432"} {
			p := a.Vars[k]
			require.NotEmpty(t, p, "worker %s %s", a.Worker, k)
			assert.Empty(t, ports[p], "port %s of worker %s is also %s's", p, a.Worker, ports[p])
			ports[p] = a.Worker + " " + k
		}
	}
	running := 0
	for _, e := range w.ps() {
		assert.Equal(t, "dedicated", e.Mode)
		assert.Len(t, e.Leases, 1, "one lease on copy %s", e.ID)
		running++
	}
	assert.Len(t, envs, 4, "a copy per worker")
	assert.Equal(t, 4, running, "copies berth ps lists")
	assert.Len(t, ports, 8, "distinct host ports")

	s.open()
	code, out := s.wait()
	require.Equal(t, 0, code, out)
	creates := perService(log.finish(t))
	t.Logf("pytest -n 4 --docker-dedicated: %d copies, host ports %v, creates per service %v", len(envs), portList(ports), creates)
	assert.Equal(t, map[string]int{"api": 4, "db": 4}, creates)
	assert.Empty(t, w.leftovers(), "every copy taken down")
}

func portList(ports map[string]string) []string {
	var out []string
	for p, who := range ports {
		out = append(out, fmt.Sprintf("%s=%s", strings.ReplaceAll(who, " ", ":"), p))
	}
	return out
}
