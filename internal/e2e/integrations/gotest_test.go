//go:build linux

package integrations

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// examplePkgs are the example packages that use berthtest.
var examplePkgs = []string{"api", "db", "single"}

// goTest runs `go test -count=1 -p 4 ./examples/berthtest/...` with the
// examples switched on, as the world's processes.
func (w *world) goTest(extraEnv ...string) result {
	w.t.Helper()
	gobin, err := exec.LookPath("go")
	require.NoError(w.t, err, "go must be on PATH")
	w.env = append(w.env, "BERTH_EXAMPLES=1", "BERTH_EXAMPLE_PROJECT="+w.project)
	w.env = append(w.env, extraEnv...)
	return w.exec(root(), gobin, "test", "-count=1", "-p", "4", "./examples/berthtest/...")
}

// TestBerthtestPackagesShareOneEnvironment: a real go test -p 4 of the
// three example packages (two berthtest.Main users, one berthtest.Acquire
// user): three test binaries, three leases on one environment (one create
// per service on the daemon; berth stats: 3 acquisitions, 1 created, 2
// reuse hits, 3 releases), all released at the end. The environment then
// lingers for the next run (the default 2 min) until berth down --now
// takes it down.
func TestBerthtestPackagesShareOneEnvironment(t *testing.T) {
	w := newWorld(t)
	log := w.watchCreates()
	r := w.goTest("BERTH_LINGER=2m")
	require.Equal(t, 0, r.code, "%s%s", r.stdout, r.stderr)
	for _, p := range examplePkgs {
		assert.Regexp(t, `(?m)^ok\s+github.com/berth-dev/berth/examples/berthtest/`+p+`\s`, r.stdout)
	}
	creates := perService(log.finish(t))
	u := w.usage()
	envs := w.ps()
	require.Len(t, envs, 1, "one environment")
	t.Logf("go test -p 4 of %d packages: creates per service %v, stats %+v (peak concurrent holders %d), live leases after: %d",
		len(examplePkgs), creates, u, u.PeakHolders, len(w.liveLeases()))
	assert.Equal(t, map[string]int{"api": 1, "db": 1}, creates)
	assert.Equal(t, 3, u.Acquisitions, "a lease per test binary")
	assert.Equal(t, 1, u.Created)
	assert.Equal(t, 2, u.ReuseHits)
	assert.Equal(t, 3, u.Releases, "released at the end")
	assert.Empty(t, w.liveLeases())

	w.berth("down", "--env", envs[0].ID, "--now")
	assert.Empty(t, w.leftovers())
}

// TestBerthtestFailedAcquire: when berth refuses (here a bad
// BERTH_WAIT_TIMEOUT), every example package fails, its output quoting
// berth's message, and nothing is created.
func TestBerthtestFailedAcquire(t *testing.T) {
	w := newWorld(t)
	log := w.watchCreates()
	r := w.goTest("BERTH_WAIT_TIMEOUT=banana")
	out := r.stdout + r.stderr
	assert.Equal(t, 1, r.code, out)
	berthSays := `berthtest: acquire environment: bad setting BERTH_WAIT_TIMEOUT="banana": want a duration`
	assert.Equal(t, len(examplePkgs), strings.Count(out, berthSays), out)
	for _, p := range examplePkgs {
		assert.Regexp(t, `(?m)^FAIL\s+github.com/berth-dev/berth/examples/berthtest/`+p+`\s`, out)
	}
	t.Logf("go test with a bad setting: exit %d; %s", r.code, firstLine(out, "berthtest:"))
	assert.Empty(t, log.finish(t), "nothing created")
}
