package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// upHeld brings the stack of file up with a lease held by this test
// process, registers its teardown (berth down --now), and returns the
// environment's ID.
func (w *world) upHeld(t *testing.T, file string) string {
	t.Helper()
	pid := strconv.Itoa(os.Getpid())
	t.Cleanup(func() {
		r := w.run("down", "-p", w.project, "-f", file, "--holder-pid", pid, "--now")
		if r.code != 0 {
			t.Logf("down: exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
	})
	return w.up(t, file, pid)
}

// up runs berth up on file with a lease held by process pid and returns
// the environment's ID.
func (w *world) up(t *testing.T, file, pid string) string {
	t.Helper()
	r := w.run("up", "-p", w.project, "-f", file, "--holder-pid", pid, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var a struct {
		Env string `json:"env"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &a), r.stdout)
	require.NotEmpty(t, a.Env)
	return a.Env
}

// container inspects the one container of service in envID.
func (w *world) container(t *testing.T, envID, service string) engine.Container {
	t.Helper()
	cs, err := w.e.ContainerList(t.Context(), engine.ListFilter{All: true,
		Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
	require.NoError(t, err)
	require.Len(t, cs, 1, "containers of %s", service)
	c, err := w.e.ContainerInspect(t.Context(), cs[0].ID)
	require.NoError(t, err)
	return c
}

// health is the engine's health status of service ("" without a check).
func (w *world) health(t *testing.T, envID, service string) string {
	t.Helper()
	c := w.container(t, envID, service)
	if c.State.Health == nil {
		return ""
	}
	return c.State.Health.Status
}

// makeUnhealthy POSTs /unhealthy to service's published port 8080 and
// waits until the engine reports it unhealthy.
func (w *world) makeUnhealthy(t *testing.T, envID, service string) {
	t.Helper()
	c := w.container(t, envID, service)
	var url string
	for _, p := range c.Ports {
		if p.ContainerPort == 8080 && p.HostPort != 0 && !strings.Contains(p.HostIP, ":") { // IPv4: 127.0.0.1 reaches it
			url = fmt.Sprintf("http://127.0.0.1:%d/unhealthy", p.HostPort)
		}
	}
	require.NotEmpty(t, url, "service %s publishes 8080", service)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Post(url, "text/plain", nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Eventually(t, func() bool { return w.health(t, envID, service) == "unhealthy" },
		30*time.Second, 100*time.Millisecond, "%s never turned unhealthy", service)
}

// kill SIGKILLs service's container (a stop with signal SIGKILL: no grace
// period, and no restart policy brings it back) and waits until it has
// exited.
func (w *world) kill(t *testing.T, envID, service string) {
	t.Helper()
	c := w.container(t, envID, service)
	require.NoError(t, w.e.ContainerStop(t.Context(), c.ID, engine.StopOptions{Signal: "SIGKILL"}))
	require.Eventually(t, func() bool { return w.container(t, envID, service).State.Status == "exited" },
		10*time.Second, 20*time.Millisecond)
}

// starts counts the "start" events of service.
func starts(events []engine.Event, service string) int {
	n := 0
	for _, ev := range events {
		if ev.Action == "start" && ev.Attributes[labels.ComposeService] == service {
			n++
		}
	}
	return n
}

// restarts reads the restart history of service from this world's store.
func (w *world) restarts(t *testing.T, envID, service string) []store.RestartRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sqlite.Open(ctx, filepath.Join(w.state, "berth.db"))
	require.NoError(t, err)
	defer db.Close()
	recs, err := db.Restarts(ctx, envID, service, time.Time{})
	require.NoError(t, err)
	return recs
}

// kinds counts restart records by kind.
func kinds(recs []store.RestartRecord) map[string]int {
	n := map[string]int{}
	for _, r := range recs {
		n[string(r.Kind)]++
	}
	return n
}

// restartJSON is berth restart --json's output, for both outcomes.
type restartJSON struct {
	Action      string    `json:"action"`
	Reason      string    `json:"reason"`
	NextAllowed time.Time `json:"next_allowed"`
}

// restart runs berth restart --json and decodes its output.
func (w *world) restart(t *testing.T, args ...string) (restartJSON, result) {
	t.Helper()
	r := w.run(append([]string{"restart", "--json", "-p", w.project}, args...)...)
	var out restartJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), "stdout %q stderr %q", r.stdout, r.stderr)
	return out, r
}
