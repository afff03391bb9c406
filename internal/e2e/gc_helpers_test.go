package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
)

// gcStack writes a one-service stack that writes 2 MiB into its named
// volume, with variant in its configuration (so each variant is its own
// shared environment) and extra appended (x-berth settings), and returns
// its path.
func gcStack(t *testing.T, variant, extra string) string {
	t.Helper()
	body := `services:
  web:
    image: ${BERTH_TESTSVC_IMAGE}
    ports: ["8080"]
    environment:
      TESTSVC_WRITE_FILE: /data/blob
      TESTSVC_WRITE_MB: "2"
      VARIANT: ` + variant + `
    volumes: [data:/data]
    healthcheck:
      test: ["CMD", "/testsvc", "probe"]
      interval: 1s
      retries: 30
volumes:
  data: {}
` + extra
	path := filepath.Join(t.TempDir(), "gc-"+variant+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// holder starts a process that does nothing but exist, to hold leases
// (berth up --holder-pid); kill ends it as kill -9 would a test runner.
type holder struct {
	t   *testing.T
	cmd *exec.Cmd
}

func newHolder(t *testing.T) *holder {
	t.Helper()
	cmd := exec.Command("sleep", "3600")
	require.NoError(t, cmd.Start())
	h := &holder{t: t, cmd: cmd}
	t.Cleanup(h.kill)
	return h
}

func (h *holder) pid() string { return strconv.Itoa(h.cmd.Process.Pid) }

// kill ends the holder, and waits for the lease keepers that followed it
// to let their leases go.
func (h *holder) kill() {
	if h.cmd.ProcessState == nil {
		_ = h.cmd.Process.Kill()
		_ = h.cmd.Wait()
		waitKeepers(h.t, h.cmd.Process.Pid)
	}
}

// upFor brings file up with a lease held by h and returns the
// environment's ID.
func (w *world) upFor(t *testing.T, file string, h *holder) string {
	t.Helper()
	return w.up(t, file, h.pid())
}

// gcReport is berth gc --json.
type gcReport struct {
	DryRun bool `json:"dry_run"`
	Plan   struct {
		Mode      string       `json:"mode"`
		Teardowns []gcTeardown `json:"teardowns"`
		Actions   []gcAction   `json:"actions"`
		Kept      []struct {
			Env, Name, Reason string
		} `json:"kept"`
	} `json:"plan"`
	Results []struct {
		Action    gcAction `json:"action"`
		Outcome   string   `json:"outcome"`
		Detail    string   `json:"detail"`
		Reclaimed int64    `json:"reclaimed"`
	} `json:"results"`
	TornDown    []string        `json:"torn_down"`
	Reclaimable int64           `json:"reclaimable"`
	Reclaimed   int64           `json:"reclaimed"`
	Before      *map[string]int `json:"before"`
	After       *map[string]int `json:"after"`
}

type gcTeardown struct {
	Env, Reason string
}

type gcAction struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Env    string `json:"env"`
	Reason string `json:"reason"`
	Size   int64  `json:"size"`
}

// gc runs berth gc --json with args (and extra environment) and requires
// exit 0.
func (w *world) gc(t *testing.T, env []string, args ...string) gcReport {
	t.Helper()
	saved := w.env
	w.env = append(slices.Clone(w.env), env...)
	r := w.run(append([]string{"gc", "--json"}, args...)...)
	w.env = saved
	require.Equal(t, 0, r.code, "gc %v: %s%s", args, r.stdout, r.stderr)
	var rep gcReport
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stdout)
	return rep
}

// keptReason is why the plan kept environment env ("" if it did not).
func (r gcReport) keptReason(env string) string {
	for _, k := range r.Plan.Kept {
		if k.Env == env {
			return k.Reason
		}
	}
	return ""
}

// tornDown keeps this world's teardowns (other tests may share the daemon
// but never this state directory, so this is a second guard).
func (w *world) tornDown(r gcReport) []string {
	var out []string
	for _, id := range r.TornDown {
		if w.mine(map[string]string{"dev.berth.env": id}) {
			out = append(out, id)
		}
	}
	return out
}

// foreign is a set of resources without any berth label, as a teammate's
// unrelated work would leave them: a running container mounting a volume,
// an exited container, a network and an unused volume.
type foreign struct {
	running, exited, network, usedVolume, unusedVolume string
}

func (w *world) makeForeign(t *testing.T, ctx context.Context) foreign {
	t.Helper()
	mark := map[string]string{"e2e.foreign": w.project}
	f := foreign{usedVolume: w.project + "-foreign-used", unusedVolume: w.project + "-foreign-unused"}
	for _, v := range []string{f.usedVolume, f.unusedVolume} {
		t.Cleanup(func() { _ = w.e.VolumeRemove(context.Background(), v) })
		_, err := w.e.VolumeCreate(ctx, engine.VolumeSpec{Name: v, Labels: mark})
		require.NoError(t, err)
	}
	nw := w.project + "-foreign-net"
	id, err := w.e.NetworkCreate(ctx, engine.NetworkSpec{Name: nw, Labels: mark, CheckDuplicate: true})
	require.NoError(t, err)
	f.network = id
	t.Cleanup(func() { _ = w.e.NetworkRemove(context.Background(), id) })
	start := func(name string, cmd []string, mounts []engine.Mount) string {
		t.Cleanup(func() {
			_, _ = lifecycle.StopAndRemove(context.Background(), w.e, name, lifecycle.StopOptions{})
		})
		cid, err := w.e.ContainerCreate(ctx, engine.ContainerSpec{Name: name, Image: w.image, Cmd: cmd, Labels: mark, Mounts: mounts})
		require.NoError(t, err)
		require.NoError(t, w.e.ContainerStart(ctx, cid))
		return cid
	}
	f.running = start(w.project+"-foreign-running", nil, []engine.Mount{{Type: "volume", Source: f.usedVolume, Target: "/data"}})
	f.exited = start(w.project+"-foreign-exited", []string{"/testsvc", "--crash-after", "10ms", "--exit-code", "3"}, nil)
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := w.e.ContainerInspect(ctx, f.exited)
		require.NoError(t, err)
		if c.State.Status == "exited" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the foreign container never exited: %s", c.State.Status)
		waitABit(ctx)
	}
	return f
}

// requireIntact checks every foreign resource is still there and the
// running container still runs.
func (w *world) requireIntact(t *testing.T, ctx context.Context, f foreign, after string) {
	t.Helper()
	c, err := w.e.ContainerInspect(ctx, f.running)
	require.NoError(t, err, "foreign running container after %s", after)
	require.True(t, c.State.Running, "foreign running container still runs after %s", after)
	c, err = w.e.ContainerInspect(ctx, f.exited)
	require.NoError(t, err, "foreign exited container after %s", after)
	require.Equal(t, "exited", c.State.Status)
	_, err = w.e.NetworkInspect(ctx, f.network)
	require.NoError(t, err, "foreign network after %s", after)
	vs, err := w.e.VolumeList(ctx, engine.ListFilter{Labels: map[string]string{"e2e.foreign": w.project}})
	require.NoError(t, err)
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
	}
	require.ElementsMatch(t, []string{f.usedVolume, f.unusedVolume}, names, "foreign volumes after %s", after)
}

// waitABit paces a poll of the daemon's state (not a synchronization: the
// caller re-checks the condition).
func waitABit(ctx context.Context) {
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// running reports whether env's containers all run (and it has some).
func (w *world) running(t *testing.T, ctx context.Context, env string) bool {
	t.Helper()
	cs, err := w.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{"dev.berth.env": env}})
	require.NoError(t, err)
	for _, c := range cs {
		if c.State != "running" {
			return false
		}
	}
	return len(cs) > 0
}

func ids(as []gcAction) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = fmt.Sprintf("%s %s (%s)", a.Kind, a.Name, a.Env)
	}
	return out
}
