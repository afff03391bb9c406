package berthtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

// recTB records how a helper ended a test instead of ending the real one.
type recTB struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (r *recTB) Helper()          {}
func (r *recTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recTB) Fatalf(f string, a ...any) {
	r.fatal = fmt.Sprintf(f, a...)
	runtime.Goexit()
}

// run calls f with r in a goroutine of its own, as the testing package
// would, so Goexit ends only f; then it runs r's cleanups.
func (r *recTB) run(f func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	for _, c := range r.cleanups {
		c()
	}
}

// fakeM is a testing.M whose Run reports what it saw.
type fakeM struct {
	ran  bool
	seen func()
}

func (m *fakeM) Run() int {
	m.ran = true
	if m.seen != nil {
		m.seen()
	}
	return 7
}

func malformed() berth.Options {
	return berth.Options{Files: []string{"testdata/malformed.yaml"}}
}

func TestAcquireFailsTheTestWithBerthsError(t *testing.T) {
	t.Setenv("BERTH_STATE_DIR", t.TempDir())
	r := &recTB{TB: t}
	r.run(func(tb testing.TB) { Acquire(tb, malformed()) })
	assert.Contains(t, r.fatal, "berthtest: acquire environment: ")
	assert.Contains(t, r.fatal, "malformed.yaml:3: malformed YAML", "berth's own message, with file and line")
	assert.Empty(t, r.cleanups, "nothing to release")
}

func TestMainRunsNoTestWhenAcquireFails(t *testing.T) {
	t.Setenv("BERTH_STATE_DIR", t.TempDir())
	var stderr strings.Builder
	m := &fakeM{}
	code := run(m, malformed(), &stderr)
	assert.Equal(t, 1, code)
	assert.False(t, m.ran)
	assert.Contains(t, stderr.String(), "berthtest: acquire environment: ")
	assert.Contains(t, stderr.String(), "malformed.yaml:3: malformed YAML")
}

func TestEndpointReadsBerthsVariables(t *testing.T) {
	t.Setenv("BERTH_WEB_APP_HOST", "127.0.0.1")
	t.Setenv("BERTH_WEB_APP_PORT_8080", "32001")
	assert.Equal(t, "127.0.0.1:32001", Endpoint(t, "web-app", 8080))

	r := &recTB{TB: t}
	r.run(func(tb testing.TB) { Endpoint(tb, "web-app", 9) })
	assert.Contains(t, r.fatal, "BERTH_WEB_APP_PORT_9 is not set")
}

// TestIntegrationMainHoldsTheEnvironmentForTheTests: with a real daemon,
// the tests run while the lease is held, see the endpoints in the
// process environment and reach the service; afterwards the variables are
// gone and, with linger 0, so is the environment.
func TestIntegrationMainHoldsTheEnvironmentForTheTests(t *testing.T) {
	e := itest.Engine(t)
	t.Setenv("BERTH_TESTSVC_IMAGE", itest.Image(t, e))
	t.Setenv("BERTH_STATE_DIR", t.TempDir())
	linger := time.Duration(0)
	sum := sha256.Sum256([]byte(itest.ID(t)))
	o := berth.Options{Files: []string{"testdata/one.yaml"}, ProjectName: "berthtest" + hex.EncodeToString(sum[:5]),
		Linger: &linger}

	var status int
	var envID string
	m := &fakeM{seen: func() {
		envID = os.Getenv("BERTH_ENV")
		resp, err := http.Get("http://" + Endpoint(t, "web", 8080) + "/healthz")
		require.NoError(t, err)
		resp.Body.Close()
		status = resp.StatusCode
	}}
	var stderr strings.Builder
	assert.Equal(t, 7, run(m, o, &stderr), "the tests' exit code")
	assert.Empty(t, stderr.String())
	assert.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, envID)
	_, set := os.LookupEnv("BERTH_WEB_PORT_8080")
	assert.False(t, set, "variables unset after the tests")

	mgr, err := berth.Open(nil, nil)
	require.NoError(t, err)
	defer mgr.Close()
	_, err = mgr.Env(context.Background(), envID)
	assert.ErrorIs(t, err, berth.ErrNoSuchEnv, "released, and with linger 0 taken down")
	left, err := e.ContainerList(context.Background(), engine.ListFilter{All: true, Labels: map[string]string{labels.Env: envID}})
	require.NoError(t, err)
	assert.Empty(t, left)
}
