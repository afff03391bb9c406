//go:build linux

package integrations

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

// world is one test's setting: the real daemon, the test image, a state
// directory and a compose project name of its own (its resources are
// those whose names start with the project name), and a directory on
// PATH where `berth` is this test binary.
type world struct {
	t       *testing.T
	e       engine.Engine
	image   string
	project string
	state   string
	bin     string   // directory holding the berth link
	env     []string // extra environment for every process
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := itest.Engine(t)
	sum := sha256.Sum256([]byte(itest.ID(t)))
	w := &world{t: t, e: e, image: itest.Image(t, e), state: t.TempDir(), bin: t.TempDir(),
		project: "it" + hex.EncodeToString(sum[:6])}
	self, err := os.Executable()
	require.NoError(t, err)
	require.NoError(t, os.Symlink(self, filepath.Join(w.bin, "berth")))
	t.Cleanup(w.cleanup)
	return w
}

// root is the module's root directory.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// environ is what every process of the world sees: berth on PATH, the
// world's state directory, linger 0, the test image.
func (w *world) environ() []string {
	env := append(os.Environ(), roleEnv+"=berth", "BERTH_STATE_DIR="+w.state, "BERTH_LINGER=0s",
		"BERTH_TESTSVC_IMAGE="+w.image, "GORACE=atexit_sleep_ms=0",
		"PATH="+w.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, w.env...)
}

// result of a finished process.
type result struct {
	stdout, stderr string
	code           int
}

// exec runs name with args in the world's environment, in dir.
func (w *world) exec(dir, name string, args ...string) result {
	w.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, w.environ()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else {
		require.NoError(w.t, err)
	}
	return r
}

// berth runs a berth command and requires it to succeed.
func (w *world) berth(args ...string) string {
	w.t.Helper()
	r := w.exec("", filepath.Join(w.bin, "berth"), args...)
	require.Equal(w.t, 0, r.code, "berth %v: %s", args, r.stderr)
	return r.stdout
}

// mine reports whether a resource name or environment ID is the world's.
func (w *world) mine(name string) bool { return strings.HasPrefix(name, w.project+"-") }

// leftovers lists the world's berth-labelled containers, networks and
// volumes still on the daemon.
func (w *world) leftovers() []string {
	w.t.Helper()
	ctx := context.Background()
	owned := engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}}
	var out []string
	cs, err := w.e.ContainerList(ctx, owned)
	require.NoError(w.t, err)
	for _, c := range cs {
		if w.mine(c.Labels[labels.Env]) {
			out = append(out, "container "+c.Name+" ("+c.State+")")
		}
	}
	ns, err := w.e.NetworkList(ctx, owned)
	require.NoError(w.t, err)
	for _, n := range ns {
		if w.mine(n.Labels[labels.Env]) {
			out = append(out, "network "+n.Name)
		}
	}
	vs, err := w.e.VolumeList(ctx, owned)
	require.NoError(w.t, err)
	for _, v := range vs {
		if w.mine(v.Labels[labels.Env]) {
			out = append(out, "volume "+v.Name)
		}
	}
	return out
}

// cleanup takes down what a failed test left, through berth's gc with
// every environment stale at once (the state directory is the world's).
func (w *world) cleanup() {
	if left := w.leftovers(); len(left) > 0 {
		r := w.exec("", filepath.Join(w.bin, "berth"), "gc", "--stale-after", "1ms", "--min-age", "0s")
		w.t.Logf("cleanup of %v: %s%s", left, r.stdout, r.stderr)
	}
}

// envInfo is what `berth ps --json` says of one environment.
type envInfo struct {
	ID     string `json:"id"`
	Mode   string `json:"mode"`
	Leases []struct {
		ID   string `json:"id"`
		PID  int    `json:"pid"`
		Live bool   `json:"live"`
	} `json:"leases"`
	Services []struct {
		Service string `json:"service"`
		State   string `json:"state"`
	} `json:"services"`
}

// ps returns the world's environments as `berth ps --json` lists them.
func (w *world) ps() []envInfo {
	w.t.Helper()
	var all, mine []envInfo
	require.NoError(w.t, json.Unmarshal([]byte(w.berth("ps", "--json")), &all))
	for _, e := range all {
		if w.mine(e.ID) {
			mine = append(mine, e)
		}
	}
	return mine
}

// liveLeases maps each live lease ID of the world to its environment.
func (w *world) liveLeases() map[string]string {
	live := map[string]string{}
	for _, e := range w.ps() {
		for _, l := range e.Leases {
			if l.Live {
				live[l.ID] = e.ID
			}
		}
	}
	return live
}

// usage is the usage part of `berth stats --json` (the world's state
// directory: only its own processes' records).
type usage struct {
	Acquisitions int `json:"acquisitions"`
	Created      int `json:"created"`
	ReuseHits    int `json:"reuse_hits"`
	Releases     int `json:"releases"`
	PeakHolders  int `json:"peak_holders"`
}

func (w *world) usage() usage {
	w.t.Helper()
	var st struct{ Usage usage }
	require.NoError(w.t, json.Unmarshal([]byte(w.berth("stats", "--json")), &st))
	return st.Usage
}

// deadline bounds a wait on another process.
const deadline = 3 * time.Minute
