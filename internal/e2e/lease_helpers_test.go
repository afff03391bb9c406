package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// holdFor is how long the lease tests keep a runner holding its
// environment while other runners churn around it. Those tests run in
// parallel with each other; the kill tests do not (their gc would queue
// behind the churn's gc runs for the daemon's disk usage, one at a time).
const holdFor = 20 * time.Second

// staticBerth builds berth once per test process with CGO_ENABLED=0, for
// images FROM the busybox image (no C library there).
var staticBerth = sync.OnceValues(func() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir, err := os.MkdirTemp("", "berth-e2e-static-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "berth")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/berth")
	cmd.Dir, cmd.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build (CGO_ENABLED=0) ./cmd/berth: " + err.Error() + ": " + string(out))
	}
	cleanups = append(cleanups, func() { _ = os.RemoveAll(dir) })
	return bin, nil
})

// cleanups run after every test of the process (TestMain).
var cleanups []func()

// berthImage builds a local image FROM the busybox image with the static
// berth binary as /bin/berth, removed when the test ends.
func berthImage(t *testing.T, e engine.Engine) string {
	t.Helper()
	requireDockerCLI(t)
	bin, err := staticBerth()
	require.NoError(t, err)
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	base := itest.Busybox(t, e)
	var ctxTar bytes.Buffer
	tw := tar.NewWriter(&ctxTar)
	dockerfile := "FROM " + base + "\nCOPY berth /bin/berth\n"
	for name, body := range map[string][]byte{"Dockerfile": []byte(dockerfile), "berth": data} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}))
		_, err := tw.Write(body)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	sum := sha256.Sum256([]byte(itest.ID(t)))
	ref := "berth-e2e-static:" + hex.EncodeToString(sum[:6])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	require.NoError(t, e.ImageBuild(ctx, engine.BuildSpec{Context: &ctxTar, Tags: []string{ref}, Labels: itest.Label(t)}))
	t.Cleanup(func() { _ = e.ImageRemove(context.Background(), ref) })
	return ref
}

func requireDockerCLI(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("the docker command line is not installed: the container runners need docker run")
	}
}

// requireUnshare skips unless this process may make PID and UTS
// namespaces (root, util-linux unshare).
func requireUnshare(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("PID namespaces are Linux's")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("util-linux unshare is not installed")
	}
	if out, err := exec.Command("unshare", "--pid", "--uts", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
		t.Skipf("unshare --pid --uts --fork --mount-proc is not permitted here (needs root): %v: %s", err, out)
	}
}

// unshared is a berth process (args) started as the PID 1 of new
// namespaces: unshare with flags (--pid, --uts...) and --fork --mount-proc.
func (w *world) unshared(t *testing.T, flags []string, args ...string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("unshare")
	require.NoError(t, err)
	cmd := w.berth(args...)
	cmd.Path = path
	cmd.Args = append(append(append([]string{"unshare"}, flags...), "--fork", "--mount-proc", os.Args[0]), args...)
	return cmd
}

// dockerSocket is the daemon's unix socket on this host.
func dockerSocket() string {
	if h, ok := strings.CutPrefix(os.Getenv("DOCKER_HOST"), "unix://"); ok {
		return h
	}
	return "/var/run/docker.sock"
}

// container is a berth runner in a container of the berth image: the
// Docker socket and the world's state directory bind-mounted (the state at
// mountAt, another path than on the host), host networking, the compose
// file at its host path, BERTH_LINGER=linger.
func (w *world) runnerContainer(t *testing.T, image, name, mountAt, file, linger string, args ...string) *exec.Cmd {
	t.Helper()
	dir := filepath.Dir(file)
	run := []string{"run", "-i", "--rm", "--name", name, "--network", "host",
		"--label", itest.LabelKey + "=" + itest.ID(t),
		"-v", dockerSocket() + ":/var/run/docker.sock", "-e", "DOCKER_HOST=unix:///var/run/docker.sock",
		"-v", w.state + ":" + mountAt, "-e", "BERTH_STATE_DIR=" + mountAt,
		"-v", dir + ":" + dir + ":ro",
		"-e", "BERTH_TESTSVC_IMAGE=" + w.image, "-e", "BERTH_LINGER=" + linger, image}
	cmd := exec.Command("docker", append(run, args...)...)
	t.Cleanup(func() { _ = exec.Command("docker", "kill", name).Run() }) // --rm removes it
	return cmd
}

// awaitLine reads r until a line starting with prefix; it fails the test
// on EOF.
func awaitLine(t *testing.T, r *bufio.Reader, prefix string) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if strings.HasPrefix(line, prefix) {
			return line
		}
		require.NoError(t, err, "waiting for a line %q", prefix)
	}
}

// nsChild returns the host PID of the one child of process pid (the PID 1
// of the namespace unshare --fork made).
func nsChild(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	require.NoError(t, err)
	f := strings.Fields(string(b))
	require.Len(t, f, 1, "children of unshare %d", pid)
	c, err := strconv.Atoi(f[0])
	require.NoError(t, err)
	return c
}

// churn plays other runners around a held environment until d has passed:
// berth gc and berth run (with BERTH_LINGER=1s) from the host and, when
// image is set, from a second container whose state mount is at yet
// another path. Each must succeed.
func (w *world) churn(t *testing.T, d time.Duration, file, image string) (rounds int) {
	t.Helper()
	w.env = append(w.env, "BERTH_LINGER=1s")
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		rounds++
		r := w.run("gc")
		require.Equal(t, 0, r.code, "host gc: %s%s", r.stdout, r.stderr)
		r = w.run("run", "-p", w.project, "-f", file, "--", "true")
		require.Equal(t, 0, r.code, "host run: %s%s", r.stdout, r.stderr)
		if image == "" {
			continue
		}
		for _, args := range [][]string{{"berth", "gc"}, {"berth", "run", "-p", w.project, "-f", file, "--", "true"}} {
			c := w.runnerContainer(t, image, w.project+"-churn", "/elsewhere/state", file, "1s", args...)
			out, err := c.CombinedOutput()
			require.NoError(t, err, "container %v: %s", args, out)
		}
	}
	return rounds
}

// stops are the events of containers being stopped or removed.
func stops(events []engine.Event) []string {
	var out []string
	for _, ev := range events {
		switch ev.Action {
		case "kill", "stop", "die", "destroy":
			out = append(out, ev.Action+" "+ev.Attributes["name"])
		}
	}
	return out
}

// exitCode is cmd's exit status after Wait (or Run) returned err.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// killNamespace sends SIGKILL to the PID 1 of the namespace unshare
// started, which takes every process of the namespace with it.
func killNamespace(t *testing.T, unshare *exec.Cmd) {
	t.Helper()
	require.NoError(t, syscall.Kill(nsChild(t, unshare.Process.Pid), syscall.SIGKILL))
	_ = unshare.Wait()
}

// gcTakesItDown runs berth gc on the host after a runner was killed (how:
// for the log) and requires it to take the world's environment down: its
// last container destroyed within 30 s of gc's start, by the daemon's event
// times (gc's own disk-usage measurements, slow on a busy daemon, do not
// count).
func (w *world) gcTakesItDown(t *testing.T, how string) {
	t.Helper()
	require.NotEmpty(t, w.leftovers(context.Background()))
	log := w.watch()
	start := time.Now()
	r := w.run("gc")
	require.Equal(t, 0, r.code, r.stderr)
	ran := time.Since(start)
	var gone time.Time
	for _, ev := range log.finish(t, w.e) {
		if ev.Action == "destroy" && ev.Time.After(gone) {
			gone = ev.Time
		}
	}
	require.False(t, gone.IsZero(), "no container of the environment was destroyed: %s", r.stdout)
	took := gone.Sub(start)
	t.Logf("after %s, berth gc took the environment down %s after it started (gc ran %s): %s", how,
		took.Round(time.Millisecond), ran.Round(time.Millisecond), strings.TrimSpace(r.stdout))
	require.Contains(t, r.stdout, "took down 1 environment(s)")
	require.Empty(t, w.leftovers(context.Background()))
	require.Less(t, took, 30*time.Second)
}
