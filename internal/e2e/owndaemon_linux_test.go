package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/testsvc/image"
)

// ownDaemon is a Docker daemon a test starts, stops and starts again: its
// own socket, data root, exec root, pidfile and configuration file under
// a directory of its own, and its own network namespace.
//
// The namespace is what keeps it off the machine's daemon: dockerd with
// its default bridge disabled (--bridge=none, as this one runs) deletes an
// interface named docker0 as it starts (moby's configureNetworking calls
// removeDefaultBridgeInterface), which in the host's namespace is the
// machine daemon's bridge; and its networks, iptables rules (off here as
// well) and published ports would share the host's. In a namespace of its
// own there is no docker0 to delete, and its ports are reachable only from
// processes in the namespace: berth and the probes run there (ip netns
// --net).
type ownDaemon struct {
	t      *testing.T
	dir    string // everything of the daemon's lives under it
	ns     string // network namespace name
	sock   string
	e      engine.Engine
	cmd    *exec.Cmd
	exited chan struct{} // closed when the running dockerd has exited
}

// startOwnDaemon starts a daemon of the test's own and waits until it
// answers. It needs root (skipped otherwise) and dockerd, ip and nsenter
// (Debian's docker.io, iproute2 and util-linux; a failure when missing). The daemon is stopped,
// its namespace deleted and its directory removed when the test ends.
func startOwnDaemon(t *testing.T) *ownDaemon {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("starting a Docker daemon of the test's own needs root")
	}
	for _, bin := range []string{"dockerd", "ip", "nsenter"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("a daemon of the test's own needs %s (Debian's docker.io, iproute2 and util-linux): %v", bin, err)
		}
	}
	// Short: the daemon's sockets live under it (108-byte limit).
	sum := sha256.Sum256([]byte(itest.ID(t)))
	dir, err := os.MkdirTemp("/tmp", "berth-rv-"+hex.EncodeToString(sum[:3])+"-")
	require.NoError(t, err)
	d := &ownDaemon{t: t, dir: dir, ns: filepath.Base(dir), sock: filepath.Join(dir, "docker.sock")}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("remove %s: %v", dir, err)
		}
	})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "daemon.json"), []byte("{}\n"), 0o600))
	d.sh("ip", "netns", "add", d.ns)
	t.Cleanup(func() { d.sh("ip", "netns", "del", d.ns) })
	d.sh("ip", "netns", "exec", d.ns, "ip", "link", "set", "lo", "up")
	e, err := docker.New(docker.Options{Host: "unix://" + d.sock})
	require.NoError(t, err)
	d.e = e
	t.Cleanup(func() { _ = e.Close() })
	d.start()
	t.Cleanup(func() {
		if d.running() {
			d.stop()
		}
	})
	return d
}

// sh runs a setup command and fails the test if it fails.
func (d *ownDaemon) sh(argv ...string) {
	d.t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	require.NoError(d.t, err, "%s: %s", strings.Join(argv, " "), out)
}

// wrap is the argv prefix that runs a command in the daemon's network
// namespace, and only there: ip netns exec would also remount /sys in a
// mount namespace of its own, hiding the cgroup hierarchies dockerd needs.
func (d *ownDaemon) wrap() []string { return []string{"nsenter", "--net=/run/netns/" + d.ns, "--"} }

// start starts dockerd over the daemon's directory and waits (60 s) until
// it answers a ping.
func (d *ownDaemon) start() {
	d.t.Helper()
	logf, err := os.OpenFile(filepath.Join(d.dir, "dockerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(d.t, err)
	args := append(d.wrap(), "dockerd",
		"--host", "unix://"+d.sock,
		"--data-root", filepath.Join(d.dir, "data"),
		"--exec-root", filepath.Join(d.dir, "exec"),
		"--pidfile", filepath.Join(d.dir, "pid"),
		"--config-file", filepath.Join(d.dir, "daemon.json"),
		"--bridge=none", "--iptables=false", "--ip-masq=false",
		"--containerd-namespace", d.ns, "--containerd-plugins-namespace", d.ns+"-plugins",
		"--storage-driver", "vfs")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(d.t, cmd.Start())
	logf.Close()
	d.cmd, d.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(d.exited)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := d.e.Ping(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-d.exited:
			d.t.Fatalf("dockerd exited before answering: %s", d.logTail())
		case <-time.After(200 * time.Millisecond): // poll the socket until the daemon answers
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("dockerd did not answer within 60 s: %v\n%s", err, d.logTail())
		}
	}
}

func (d *ownDaemon) running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return d.cmd != nil
	}
}

// stop sends SIGTERM to the daemon's pid (its pidfile's) and waits (60 s)
// for it to exit, as a daemon is stopped for a restart.
func (d *ownDaemon) stop() {
	d.t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dir, "pid"))
	require.NoError(d.t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(d.t, err)
	require.Equal(d.t, d.cmd.Process.Pid, pid, "the pidfile names the dockerd this test started")
	require.NoError(d.t, syscall.Kill(pid, syscall.SIGTERM))
	select {
	case <-d.exited:
	case <-time.After(60 * time.Second):
		// Not left behind: its process group (dockerd and its containerd)
		// is killed before the test fails.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-d.exited
		d.t.Fatalf("dockerd %d did not exit within 60 s of SIGTERM (killed): %s", pid, d.logTail())
	}
}

// logTail is the end of the daemon's log.
func (d *ownDaemon) logTail() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dockerd.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// world is an end-to-end setting over this daemon: the test image loaded
// into it, a state directory and project name of the test's own, berth
// processes run in the daemon's namespace with DOCKER_HOST set to it.
func (d *ownDaemon) world(t *testing.T) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ref, err := image.Ensure(ctx, d.e, itest.Logger(t))
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(itest.ID(t)))
	w := &world{t: t, e: d.e, image: ref, state: t.TempDir(), project: "e2e" + hex.EncodeToString(sum[:6]),
		env: []string{"DOCKER_HOST=unix://" + d.sock}, wrap: d.wrap()}
	t.Cleanup(w.cleanup)
	return w
}

// probe runs the check command in the daemon's namespace against the
// endpoints vars names (BERTH_<S>_HOST, BERTH_<S>_PORT): nil when every
// service answers its /healthz.
func (d *ownDaemon) probe(vars map[string]string) error {
	d.t.Helper()
	args := append(d.wrap(), checkCmd()...)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), roleEnv+"=check")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	r, err := runCmd(cmd)
	if err != nil {
		return err
	}
	if r.code != 0 {
		return fmt.Errorf("check exited %d: %s", r.code, strings.TrimSpace(r.stderr))
	}
	return nil
}

// dotenv parses KEY=value lines.
func dotenv(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			m[k] = strings.Trim(v, `"'`)
		}
	}
	return m
}

// containers lists the IDs of environment envID's containers, sorted.
func (w *world) containers(envID string) []string {
	w.t.Helper()
	cs, err := w.e.ContainerList(w.t.Context(), engine.ListFilter{All: true, Labels: map[string]string{labels.Env: envID}})
	require.NoError(w.t, err)
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	return ids
}
