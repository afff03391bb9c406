//go:build linux

package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/itest/opsproxy"
)

// TestHostsShareTheGate: 3 simulated hosts × 3 `berth run --dedicated`,
// all at once, each bringing up a copy of a two-service stack of its own
// (nine stacks creating at once: far more mutating calls than 4 would be
// in flight without a shared gate), one PostgreSQL store, and
// BERTH_MAX_CONCURRENT_OPS=4: every run passes, and the counting proxy on
// the daemon's socket never sees more than 4 mutating calls at once
// (pulls and builds aside: slots of their own) from the three hosts
// together: creates, starts, readiness probes' execs, stops, removes.
func TestHostsShareTheGate(t *testing.T) {
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		t.Skip("simulated hosts need root and unshare (util-linux)")
	}
	w := newWorld(t)
	proxy := w.opsProxy(t)
	w.env = append(w.env, "BERTH_STORE="+storeDatabase(t), "BERTH_MAX_CONCURRENT_OPS=4")
	args := append([]string{"run", "--dedicated", "-p", w.project, "-f", testdata("fixed-ports.yaml"), "--"}, checkCmd()...)
	hosts := w.startHosts(t, []string{"host-a", "host-b", "host-c"}, 3, args...)
	for name, h := range hosts {
		assert.Equal(t, "done 0 0 0", h.finish(t), "runs of %s", name)
	}
	assert.Empty(t, w.leftovers(context.Background()))
	seen := proxy.Counts()
	t.Logf("at the daemon: peak %d slot-holding calls, %d mutating calls but pulls and builds (%v), %d mutating calls at once; calls %v",
		seen.PeakSlot, seen.PeakLimited, seen.AtPeakLimited, seen.PeakMutating, seen.Calls)
	assert.Equal(t, 18, seen.Calls["container_create"], "nine copies of two services, all through the proxy")
	// Every mutating call (stops and probes' execs included) but pulls and
	// builds, which have slots of their own.
	assert.LessOrEqual(t, seen.PeakLimited, 4, "BERTH_MAX_CONCURRENT_OPS=4 across the three hosts")
	assert.Zero(t, seen.Calls[opsproxy.OtherWrite], "a write no gate op makes")
}
