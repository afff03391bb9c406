package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// pullStack writes a one-service stack running image ref (a copy of the
// test service pushed to a registry) and returns its compose file.
func (w *world) pullStack(ref, policy string) string {
	w.t.Helper()
	doc := "services:\n  app:\n    image: " + ref + "\n    ports: [\"8080\"]\n" +
		"    healthcheck: {test: [\"CMD\", \"/testsvc\", \"probe\"], interval: 1s, retries: 30}\n"
	if policy != "" {
		doc += "    pull_policy: " + policy + "\n"
	}
	file := filepath.Join(w.t.TempDir(), "compose.yaml")
	require.NoError(w.t, os.WriteFile(file, []byte(doc), 0o600))
	return file
}

// repo is a registry repository name unique to this test run.
func (w *world) repo() string { return "e2e/" + w.project }

// push pushes the test image to reg as this world's repository (see
// [itest.Registry.PushTestImage]) and removes what the daemon pulled of it
// when the test ends.
func (w *world) push(reg *itest.Registry, tag string, fillers, fillerSize int) string {
	w.t.Helper()
	ref := reg.PushTestImage(w.t, w.e, w.repo(), tag, fillers, fillerSize)
	w.t.Cleanup(func() { w.forgetImage(ref) })
	return ref
}

// forgetImage removes ref from the daemon if it is there.
func (w *world) forgetImage(ref string) {
	err := w.e.ImageRemove(context.Background(), ref)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		w.t.Errorf("remove pulled image %s: %v", ref, err)
	}
}

// dockerConfig writes a docker CLI config holding credentials for
// registry addr and returns its directory (for DOCKER_CONFIG).
func (w *world) dockerConfig(addr, user, password string) string {
	w.t.Helper()
	dir := w.t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	data, err := json.Marshal(map[string]any{"auths": map[string]any{addr: map[string]string{"auth": auth}}})
	require.NoError(w.t, err)
	require.NoError(w.t, os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600))
	return dir
}

// removeImage removes ref from the daemon, so the next use pulls it.
func (w *world) removeImage(ref string) {
	w.t.Helper()
	require.NoError(w.t, w.e.ImageRemove(context.Background(), ref))
}

// pullLog counts the daemon's "pull" events per image reference, followed
// live from before the runs until a sentinel volume appears.
type pullLog struct {
	mu     sync.Mutex
	pulls  map[string]int
	done   chan struct{}
	cancel context.CancelFunc
	stop   string
}

func (w *world) watchPulls() *pullLog {
	ctx, cancel := context.WithCancel(context.Background())
	l := &pullLog{pulls: map[string]int{}, done: make(chan struct{}), cancel: cancel, stop: "berth-e2e-pulls-" + w.project}
	events, errs := w.e.Events(ctx, engine.EventFilter{Types: []string{"image", "volume"}})
	go func() {
		defer close(l.done)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Type == "volume" && ev.ActorID == l.stop && ev.Action == "create" {
					return
				}
				if ev.Type == "image" && ev.Action == "pull" {
					l.mu.Lock()
					l.pulls[ev.ActorID]++
					l.mu.Unlock()
				}
			case <-errs:
				return
			}
		}
	}()
	return l
}

// finish ends the log at a sentinel and returns the pulls of ref.
func (l *pullLog) finish(t *testing.T, e engine.Engine, ref string) int {
	t.Helper()
	ctx := context.Background()
	_, err := e.VolumeCreate(ctx, engine.VolumeSpec{Name: l.stop, Labels: map[string]string{itest.LabelKey: "sentinel"}})
	require.NoError(t, err)
	defer func() { require.NoError(t, e.VolumeRemove(ctx, l.stop)) }()
	select {
	case <-l.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sentinel event never arrived")
	}
	l.cancel()
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for actor, c := range l.pulls {
		if actor == ref || strings.HasPrefix(actor, ref+"@") {
			n += c
		}
	}
	return n
}

// runEnv is run with extra environment variables.
func (w *world) runEnv(env []string, args ...string) result {
	w.t.Helper()
	saved := w.env
	w.env = append(append([]string{}, w.env...), env...)
	defer func() { w.env = saved }()
	return w.run(args...)
}

// onTerminal runs berth with args on a terminal (a detached tmux session
// of 160x40) and returns the screen once it exited.
func (w *world) onTerminal(args ...string) string {
	w.t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		w.t.Fatalf("tmux is needed for terminal tests: %v", err)
	}
	cmd := w.berth(args...)
	var line strings.Builder
	for _, kv := range cmd.Env {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "BERTH_") || strings.HasPrefix(k, "DOCKER_") || k == "PATH" || k == "HOME" || k == "GORACE" {
			line.WriteString(shellQuote(kv) + " ")
		}
	}
	session := "berth-" + w.project
	signal := session + "-done"
	line.WriteString("TERM=xterm-256color " + shellQuote(cmd.Path))
	for _, a := range args {
		line.WriteString(" " + shellQuote(a))
	}
	script := "env " + line.String() + "; tmux wait-for -S " + signal + "; sleep 600"
	out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "40", script).CombinedOutput()
	require.NoError(w.t, err, "tmux: %s", out)
	defer func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	require.NoError(w.t, exec.CommandContext(ctx, "tmux", "wait-for", signal).Run(), "berth did not finish on the terminal")
	screen, err := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
	require.NoError(w.t, err)
	return string(screen)
}
