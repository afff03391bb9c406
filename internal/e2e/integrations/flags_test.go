//go:build linux

package integrations

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPytestRunnerFlags: the audits' runner flags on the real daemon, in
// three pytest sessions on one stack (linger 0):
//   - --docker-no-cleanup: after the session the environment is still up,
//     its lease dead with the pytest process;
//   - its api container then exits (POST /crash); --docker-force-restart:
//     berth up restarts it in place, forced, before the lease (no create;
//     berth stats counts one forced restart), and the tests pass;
//   - --cleanup-old-environments: berth gc takes the environment left
//     behind down before the session, which then creates its own and
//     leaves nothing.
func TestPytestRunnerFlags(t *testing.T) {
	requirePytest(t)
	w := newWorld(t)
	session := func(flags ...string) string {
		t.Helper()
		r := w.pytest(append(flags, "-k", "healthy", "--berth-file", stack(), "--berth-project-name", w.project, suite())...)
		require.Equal(t, 0, r.code, "%s%s", r.stdout, r.stderr)
		return r.stdout
	}

	session("--docker-no-cleanup")
	envs := w.ps()
	require.Len(t, envs, 1, "--docker-no-cleanup leaves the environment")
	require.Len(t, envs[0].Leases, 1)
	assert.False(t, envs[0].Leases[0].Live, "the lease went with the pytest process")
	var vars map[string]string
	require.NoError(t, json.Unmarshal([]byte(w.berth("env", "--env", envs[0].ID, "--format", "json")), &vars))
	resp, err := http.Post("http://"+vars["BERTH_API_HOST"]+":"+vars["BERTH_API_PORT_8080"]+"/crash", "", nil)
	if err == nil {
		resp.Body.Close()
	}

	log := w.watchCreates()
	session("--docker-force-restart", "--docker-no-cleanup")
	assert.Empty(t, log.finish(t), "repaired in place, not recreated")
	var st struct {
		Restarts []struct {
			Service string `json:"service"`
			Forced  int    `json:"forced"`
		} `json:"restarts"`
	}
	require.NoError(t, json.Unmarshal([]byte(w.berth("stats", "--json")), &st))
	require.Len(t, st.Restarts, 1)
	assert.Equal(t, "api", st.Restarts[0].Service)
	assert.Equal(t, 1, st.Restarts[0].Forced)
	require.Len(t, w.ps(), 1, "left behind again")

	log = w.watchCreates()
	out := session("--cleanup-old-environments")
	assert.Contains(t, out, "berth gc (--cleanup-old-environments): gc, mode safe: reaped 1 dead lease(s)")
	// (the first session's lease was reaped by the second session's acquire)
	assert.Contains(t, out, "took down 1 environment(s)")
	creates := perService(log.finish(t))
	assert.Equal(t, map[string]int{"api": 1, "db": 1}, creates, "a new environment after the old one was taken down")
	assert.Empty(t, w.leftovers())
	t.Logf("no-cleanup left %s; force-restart: %d forced restart of api, no create; cleanup-old: %s", envs[0].ID,
		st.Restarts[0].Forced, firstLine(out, "berth gc"))
}
