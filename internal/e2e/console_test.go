package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// busyboxStack writes a stack of a real busybox image: db prints ten
// numbered lines and waits; api serves HTTP on 8080. Both stop on SIGTERM.
func (w *world) busyboxStack() string {
	w.t.Helper()
	img := itest.Busybox(w.t, w.e)
	loop := `trap "exit 0" TERM; while true; do sleep 1 & wait $!; done`
	doc := fmt.Sprintf(`services:
  db:
    image: %[1]s
    command: ["sh", "-c", 'for i in 1 2 3 4 5 6 7 8 9 10; do echo db-line-$$i; done; %[2]s']
  api:
    image: %[1]s
    command: ["sh", "-c", 'echo api-start; httpd -p 8080 -h /www; %[2]s']
    ports: ["8080"]
`, img, strings.ReplaceAll(loop, "$", "$$"))
	file := filepath.Join(w.t.TempDir(), "compose.yaml")
	require.NoError(w.t, os.WriteFile(file, []byte(doc), 0o600))
	return file
}

// TestLogs: --tail prints a service's last lines; with several services
// each line carries its service; --follow shows a line written after it
// started and ends when the environment is taken down.
func TestLogs(t *testing.T) {
	w := newWorld(t)
	file := w.busyboxStack()
	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)

	r = w.run("logs", "db", "--tail", "5", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "db-line-6\ndb-line-7\ndb-line-8\ndb-line-9\ndb-line-10\n", r.stdout)

	r = w.run("logs", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "db  | db-line-1\n")
	assert.Contains(t, r.stdout, "api | api-start\n")

	follow := w.berth("logs", "--follow", "-f", file, "-p", w.project)
	out := lineReader(t, follow)
	require.NoError(t, follow.Start())
	ended := make(chan error, 1)
	go func() { ended <- follow.Wait() }()
	// Everything so far first, then the live part.
	for seen := 0; seen < 11; {
		line, err := out.ReadString('\n')
		require.NoError(t, err)
		if strings.Contains(line, "db-line-") || strings.Contains(line, "api-start") {
			seen++
		}
	}
	marker := "written-after-follow-" + w.project
	r = w.run("exec", "db", "-T", "-f", file, "-p", w.project, "--", "sh", "-c", "echo "+marker+" > /proc/1/fd/1")
	require.Equal(t, 0, r.code, r.stderr)
	waitLine(t, out, "db  | "+marker)

	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
	select {
	case err := <-ended:
		require.NoError(t, err, "the follow ends with the environment")
	case <-time.After(time.Minute):
		_ = follow.Process.Kill()
		t.Fatal("berth logs --follow did not end when the environment was taken down")
	}
}

// waitLine reads until a line containing want.
func waitLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err, "waiting for %q", want)
		if strings.Contains(line, want) {
			return
		}
	}
}

// TestExecPortAndBadInput: exit codes come through; stdin streams without
// a terminal; port equals the endpoint variable, the dedicated copy's own
// port for a copy; bad input exits 2 before any Docker call; an
// environment that is not up exits 1.
func TestExecPortAndBadInput(t *testing.T) {
	w := newWorld(t)
	file := w.busyboxStack()
	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)

	r = w.run("exec", "db", "-f", file, "-p", w.project, "--", "sh", "-c", "exit 7")
	assert.Equal(t, 7, r.code, r.stderr)
	cmd := w.berth("exec", "-T", "api", "-f", file, "-p", w.project, "--", "cat")
	cmd.Stdin = strings.NewReader("hi\n")
	got, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "hi\n", string(got))
	r = w.run("exec", "db", "-f", file, "-p", w.project, "--", "no-such-command")
	assert.Equal(t, 127, r.code)
	assert.Contains(t, r.stderr, `cannot run "no-such-command"`)
	r = w.run("exec", "db", "-f", file, "-p", w.project, "--", "/etc")
	assert.Equal(t, 126, r.code)

	r = w.run("env", "-f", file, "-p", w.project, "--format", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var vars map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &vars))
	want := vars["BERTH_API_HOST"] + ":" + vars["BERTH_API_PORT_8080"]
	r = w.run("port", "api", "8080", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, want+"\n", r.stdout)
	r = w.run("port", "api", "9999", "-f", file, "-p", w.project)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "does not publish port 9999")

	// A dedicated copy: its own port, found by its lease.
	copyUp := w.run("up", "-f", file, "-p", w.project, "--dedicated", "--json")
	require.Equal(t, 0, copyUp.code, copyUp.stderr)
	var acq struct {
		Lease     string            `json:"lease_id"`
		Endpoints map[string]string `json:"endpoints"`
	}
	require.NoError(t, json.Unmarshal([]byte(copyUp.stdout), &acq))
	lease, own := acq.Lease, acq.Endpoints["BERTH_API_PORT_8080"]
	r = w.run("port", "api", "8080", "--lease", lease)
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasSuffix(strings.TrimSpace(r.stdout), ":"+own), "the copy's own port %s: %s", own, r.stdout)
	assert.NotEqual(t, want+"\n", r.stdout)

	// Bad input: exit 2, naming it, with the daemon unreachable (so no call).
	dead := []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}
	r = w.runEnv(dead, "exec", "nosuch", "-f", file, "-p", w.project, "--", "true")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, `no service "nosuch"`)
	r = w.runEnv(dead, "exec", "db", "-f", file, "-p", w.project)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "exec needs a service and a command")
	r = w.runEnv(dead, "logs", "nosuch", "-f", file, "-p", w.project)
	assert.Equal(t, 2, r.code, r.stderr)

	// Not up: exit 1.
	r = w.run("logs", "-f", file, "-p", w.project+"other")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "not running")
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
}

// TestInteractiveExecHoldsNoSlot: berth exec on a terminal gives an
// interactive shell; four of them open at once do not hold the operation
// slots (four by default), so another runner's berth up goes through.
func TestInteractiveExecHoldsNoSlot(t *testing.T) {
	w := newWorld(t)
	file := w.busyboxStack()
	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)

	var shells []*terminal
	for i := range 4 {
		shells = append(shells, w.terminal(fmt.Sprintf("sh%d", i), "exec", "api", "-f", file, "-p", w.project, "--", "sh"))
	}
	for i, sh := range shells {
		// The shell computes the answer: the typed line itself does not
		// contain it, so seeing it proves the shell ran the command.
		sh.send("echo shell-" + fmt.Sprint(i) + "-says $((6*7))")
		sh.await("shell-" + fmt.Sprint(i) + "-says 42")
	}
	// Bounded: were the shells holding the slots, this up would wait for
	// them for as long as they stay open.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	up := w.berth("up", "-f", testdata("small.yaml"), "-p", w.project+"x")
	up = exec.CommandContext(ctx, up.Path, up.Args[1:]...)
	up.Env = w.berth().Env
	out, err := up.CombinedOutput()
	require.NoError(t, err, "another runner's up while four shells are open: %s", out)
	r = w.run("down", "-f", testdata("small.yaml"), "-p", w.project+"x", "--now")
	require.Equal(t, 0, r.code, r.stderr)
	for _, sh := range shells {
		sh.send("exit")
	}
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
}

// terminal is berth running on a terminal: a detached tmux session whose
// output the test reads as it comes (tmux pipe-pane into a FIFO).
type terminal struct {
	t       *testing.T
	session string
	out     *bufio.Reader
}

// terminal starts berth with args in a new tmux session (80x24) and
// follows its output; the session is killed when the test ends.
func (w *world) terminal(name string, args ...string) *terminal {
	w.t.Helper()
	cmd := w.berth(args...)
	var line strings.Builder
	for _, kv := range cmd.Env {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "BERTH_") || strings.HasPrefix(k, "DOCKER_") || k == "PATH" || k == "HOME" || k == "GORACE" {
			line.WriteString(shellQuote(kv) + " ")
		}
	}
	line.WriteString("TERM=xterm " + shellQuote(cmd.Path))
	for _, a := range args {
		line.WriteString(" " + shellQuote(a))
	}
	session := "berth-" + w.project + "-" + name
	fifo := filepath.Join(w.t.TempDir(), "pane")
	require.NoError(w.t, syscall.Mkfifo(fifo, 0o600))
	out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "env "+line.String()+"; sleep 600").CombinedOutput()
	require.NoError(w.t, err, "tmux: %s", out)
	w.t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })
	out, err = exec.Command("tmux", "pipe-pane", "-o", "-t", session, "cat > "+shellQuote(fifo)).CombinedOutput()
	require.NoError(w.t, err, "tmux pipe-pane: %s", out)
	f, err := os.Open(fifo) // blocks until tmux's cat opens it for writing
	require.NoError(w.t, err)
	w.t.Cleanup(func() { _ = f.Close() })
	return &terminal{t: w.t, session: session, out: bufio.NewReader(f)}
}

// send types line and Enter.
func (tm *terminal) send(line string) {
	tm.t.Helper()
	out, err := exec.Command("tmux", "send-keys", "-t", tm.session, line, "Enter").CombinedOutput()
	require.NoError(tm.t, err, "%s", out)
}

// await reads the terminal's output until it shows want (within a minute).
func (tm *terminal) await(want string) {
	tm.t.Helper()
	found := make(chan error, 1)
	go func() {
		var seen strings.Builder
		for {
			b, err := tm.out.ReadByte()
			if err != nil {
				found <- fmt.Errorf("output ended: %w; saw %q", err, seen.String())
				return
			}
			seen.WriteByte(b)
			if strings.Contains(seen.String(), want) {
				found <- nil
				return
			}
		}
	}()
	select {
	case err := <-found:
		require.NoError(tm.t, err, "waiting for %q", want)
	case <-time.After(time.Minute):
		screen, _ := exec.Command("tmux", "capture-pane", "-p", "-t", tm.session).Output()
		tm.t.Fatalf("terminal %s never showed %q; screen:\n%s", tm.session, want, screen)
	}
}
