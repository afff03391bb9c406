package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/memory"
)

// psService is a service as `berth ps --json` prints it.
type psService struct {
	Service       string  `json:"service"`
	State         string  `json:"state"`
	OOMKilled     bool    `json:"oom_killed"`
	MemoryLimit   int64   `json:"memory_limit"`
	MemoryUsage   int64   `json:"memory_usage"`
	MemoryPercent float64 `json:"memory_percent"`
	High          bool    `json:"high"`
}

// service returns this world's service name from berth ps --json.
func (w *world) psService(t *testing.T, name string) (psService, bool) {
	t.Helper()
	r := w.run("ps", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var envs []struct {
		ID       string      `json:"id"`
		Services []psService `json:"services"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &envs))
	for _, e := range envs {
		if !strings.HasPrefix(e.ID, w.project+"-") {
			continue
		}
		for _, s := range e.Services {
			if s.Service == name {
				return s, true
			}
		}
	}
	return psService{}, false
}

// statsOOM is an OOM kill as `berth stats --json` prints it.
type statsOOM struct {
	EnvID       string `json:"env_id"`
	Service     string `json:"service"`
	MemoryLimit int64  `json:"memory_limit"`
}

func (w *world) statsOOMKills(t *testing.T) []statsOOM {
	t.Helper()
	r := w.run("stats", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var st struct {
		OOMKills []statsOOM `json:"oom_kills"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &st))
	var mine []statsOOM
	for _, k := range st.OOMKills {
		if strings.HasPrefix(k.EnvID, w.project+"-") {
			mine = append(mine, k)
		}
	}
	return mine
}

func hold(t *testing.T, addr string, mb int) error {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(fmt.Sprintf("http://%s/hold?mb=%d", addr, mb), "text/plain", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("hold %d MB: %s", mb, resp.Status)
	}
	return nil
}

// TestMemoryHighThenOOMKilled: a running service's memory shows in ps
// against its limit, HIGH from 70 %; when it then holds more than its
// limit, the kernel kills it, and both ps and stats report the OOM kill
// with the limit that was hit.
func TestMemoryHighThenOOMKilled(t *testing.T) {
	w := newWorld(t)
	file := testdata("memory-hog.yaml")
	t.Cleanup(func() { w.run("down", "-p", w.project, "-f", file, "--now") })
	up := w.run("up", "-p", w.project, "-f", file, "--json")
	require.Equal(t, 0, up.code, up.stderr)
	var acq struct{ Endpoints map[string]string }
	require.NoError(t, json.Unmarshal([]byte(up.stdout), &acq))
	addr := acq.Endpoints["BERTH_HOG_HOST"] + ":" + acq.Endpoints["BERTH_HOG_PORT"]

	s, ok := w.psService(t, "hog")
	require.True(t, ok)
	assert.Equal(t, int64(64<<20), s.MemoryLimit)
	assert.Positive(t, s.MemoryUsage)
	assert.False(t, s.High, "an idle test service is far below 70 %% of 64 MiB: %+v", s)

	require.NoError(t, hold(t, addr, 48))
	s, _ = w.psService(t, "hog")
	t.Logf("holding 48 MB: %d bytes, %.1f%% of the limit", s.MemoryUsage, s.MemoryPercent)
	assert.True(t, s.High, "%+v", s)
	assert.GreaterOrEqual(t, s.MemoryPercent, 70.0)
	text := w.run("ps")
	assert.Regexp(t, `service hog\s+running\s+\d+(\.\d)? MiB / 64 MiB \(\d+%\) HIGH`, text.stdout)

	_ = hold(t, addr, 32) // the kernel kills it while it answers: the error is expected
	// The daemon may mark the container exited a moment before it flags
	// the OOM kill: wait for both.
	require.Eventually(t, func() bool {
		s, _ = w.psService(t, "hog")
		return s.State == "exited" && s.OOMKilled
	}, 30*time.Second, 200*time.Millisecond, "never reported OOM-killed: %+v", &s)
	text = w.run("ps")
	assert.Contains(t, text.stdout, "OOM-killed (limit 64 MiB)")

	kills := w.statsOOMKills(t)
	require.Len(t, kills, 1, "%+v", kills)
	assert.Equal(t, "hog", kills[0].Service)
	assert.Equal(t, int64(64<<20), kills[0].MemoryLimit)
	st := w.run("stats")
	require.Equal(t, 0, st.code, st.stderr)
	assert.Regexp(t, `hog\s+OOM-killed \(limit 64 MiB\)`, st.stdout)
}

// TestOOMKilledWhileComingUp: a service OOM-killed while the environment
// comes up fails the up (exit 3, torn down, the limit named), and the
// kill stays visible in berth stats although its container is gone.
func TestOOMKilledWhileComingUp(t *testing.T) {
	w := newWorld(t)
	file := testdata("memory-oom-start.yaml")
	up := w.run("up", "-p", w.project, "-f", file)
	require.Equal(t, 3, up.code, up.stderr)
	assert.Contains(t, up.stderr, "service hog was killed by the kernel for lack of memory (OOM)")
	assert.Contains(t, up.stderr, "OOM-killed at its memory limit of 32 MiB")
	assert.Empty(t, w.leftovers(context.Background()), "a failed up tears down what it made")

	kills := w.statsOOMKills(t)
	require.Len(t, kills, 1, "%+v", kills)
	assert.Equal(t, "hog", kills[0].Service)
	assert.Equal(t, int64(32<<20), kills[0].MemoryLimit)
}

// TestAdmissionRefusesWhatDoesNotFit: memory limits that add up to more
// than the whole daemon has are refused (exit 5) before any container is
// created, with what was needed and what is there, at once even with a
// wait for memory: no release could make it fit.
func TestAdmissionRefusesWhatDoesNotFit(t *testing.T) {
	w := newWorld(t)
	info, err := w.e.Info(context.Background())
	require.NoError(t, err)
	bigMiB := info.MemTotal>>20 + 1024 // more than the whole daemon
	file := filepath.Join(t.TempDir(), "huge.yaml")
	require.NoError(t, os.WriteFile(file, fmt.Appendf(nil, `name: huge
services:
  big:
    image: ${BERTH_TESTSVC_IMAGE}
    mem_limit: %dm
  nolimit:
    image: ${BERTH_TESTSVC_IMAGE}
`, bigMiB), 0o600))

	events := w.watch()
	up := w.run("up", "-p", w.project, "-f", file)
	run := w.run("run", "-p", w.project, "-f", file, "--wait-for-memory", "10m", "--", "true")
	seen := events.finish(t, w.e)

	assert.Equal(t, 5, up.code, up.stderr)
	assert.Contains(t, up.stderr, "needs "+memory.Bytes(bigMiB<<20)+" of memory")
	assert.Contains(t, up.stderr, "the daemon has "+memory.Bytes(info.MemTotal)+" in total, so it can never fit")
	assert.Contains(t, up.stderr, "services without a memory limit count as 0: nolimit")
	assert.Equal(t, 5, run.code, run.stderr)
	assert.Contains(t, run.stderr, "can never fit", "refused at once, not after the 10m wait")
	assert.Empty(t, creates(seen), "no container may be created: %v", seen)
	assert.Empty(t, w.leftovers(context.Background()))
	t.Logf("refused: %s", strings.TrimSpace(up.stderr))
}

// TestDedicatedCopiesWaitForMemoryAndRunAFewAtATime: six dedicated copies
// started together, each reserving 30 % of the daemon's memory, so only
// three fit at once. Admission and reservation are one step across the
// six processes: all six pass, waiting their turn for memory, and the
// daemon's event stream never shows more than three copies running at
// once.
func TestDedicatedCopiesWaitForMemoryAndRunAFewAtATime(t *testing.T) {
	w := newWorld(t)
	info, err := w.e.Info(context.Background())
	require.NoError(t, err)
	limitMiB := info.MemTotal * 3 / 10 >> 20
	fits := int(info.MemTotal / (limitMiB << 20))
	file := filepath.Join(t.TempDir(), "third.yaml")
	require.NoError(t, os.WriteFile(file, fmt.Appendf(nil, `name: third
services:
  api:
    image: ${BERTH_TESTSVC_IMAGE}
    mem_limit: %dm
    environment: {TESTSVC_PORTS: "8080"}
    ports: ["8080"]
    healthcheck:
      test: ["CMD", "/testsvc", "probe"]
      interval: 1s
      retries: 30
`, limitMiB), 0o600))

	events := w.watch()
	const copies = 6
	cmds := make([]*exec.Cmd, copies)
	outs := make([]*strings.Builder, copies)
	for i := range cmds {
		cmds[i] = w.berth(append([]string{"run", "--dedicated", "-p", w.project, "-f", file, "--"}, checkCmd()...)...)
		outs[i] = &strings.Builder{}
		cmds[i].Stderr = outs[i]
		require.NoError(t, cmds[i].Start())
	}
	waited := 0
	for i, c := range cmds {
		assert.NoError(t, c.Wait(), "copy %d: %s", i, outs[i])
		if strings.Contains(outs[i].String(), "waiting for memory") {
			waited++
		}
	}
	seen := events.finish(t, w.e)

	running, peak := map[string]bool{}, 0
	for _, ev := range seen {
		switch ev.Action {
		case "start":
			running[ev.ActorID] = true
		case "die":
			delete(running, ev.ActorID)
		}
		peak = max(peak, len(running))
	}
	assert.Equal(t, copies, creates(seen)["api"], "one container per copy")
	assert.LessOrEqual(t, peak, fits, "never more copies running than the daemon's memory holds")
	assert.GreaterOrEqual(t, waited, copies-fits, "the copies that did not fit waited, saying so")
	assert.Empty(t, w.leftovers(context.Background()))
	t.Logf("%d copies of %d MiB on a %s daemon (%d fit): all passed, %d waited for memory, peak %d running at once",
		copies, limitMiB, memory.Bytes(info.MemTotal), fits, waited, peak)
}
