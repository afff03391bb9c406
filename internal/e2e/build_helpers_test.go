package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// buildSecret is the content of the build secret of [buildStack]'s
// Dockerfile: it must never be found in the image.
const buildSecret = "s3cret-build-token-value"

// sampleDockerfile uses BuildKit's mounts: a cache mount and a secret
// mount (its RUN fails unless the secret is there; the Dockerfile never
// holds the secret's value), then serves /www with busybox's httpd.
// %BASE% is the base image; %PROJECT% (the world's project) makes the
// first RUN, and so every step after it, new to BuildKit's cache.
// scripts/bench-build times the same Dockerfile.
const sampleDockerfile = `FROM %BASE%
RUN --mount=type=cache,target=/cache sh -c 'echo %PROJECT% >> /cache/runs && cp /cache/runs /www/cache-runs'
RUN --mount=type=secret,id=token sh -c 'test -s /run/secrets/token && echo secret-seen > /www/secret-checked'
COPY app.txt /www/app.txt
RUN echo ok > /www/healthz
`

// buildStack writes a build context (Dockerfile from dockerfile, with
// %BASE% replaced by base; app.txt; a secret file) and a one-service
// stack built from it, whose service serves /healthz on 8080, and returns
// the compose file. extra is appended to the build section.
func (w *world) buildStack(base, dockerfile, extra string) string {
	w.t.Helper()
	dir := w.t.TempDir()
	write := func(name, body string) {
		require.NoError(w.t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	write("Dockerfile", strings.NewReplacer("%BASE%", base, "%PROJECT%", w.project).Replace(dockerfile))
	write("app.txt", "app of "+w.project+"\n")
	write("token.txt", buildSecret)
	write("compose.yaml", `services:
  app:
    build:
      context: .
      secrets: [token]
`+extra+`    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: ["8080"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
      interval: 1s
      retries: 30
secrets:
  token:
    file: ./token.txt
`)
	return filepath.Join(dir, "compose.yaml")
}

// downAtEnd takes file's shared environment down when the test ends
// (before its built images are removed), whatever happened to the test.
func (w *world) downAtEnd(file string) {
	w.t.Cleanup(func() {
		if r := w.run("down", "-f", file, "-p", w.project, "--now"); r.code != 0 {
			w.t.Logf("down at the end: %s", r.stderr)
		}
	})
}

// removeBuiltImages removes, when the test ends, every image berth built
// for this world's project (listed by the docker CLI: the engine has no
// image list, and the daemon refuses a disk usage while another runs).
func (w *world) removeBuiltImages() {
	w.t.Cleanup(func() {
		out, err := exec.Command("docker", "image", "ls", "--filter", "reference=berth/"+w.project+"-*",
			"--format", "{{.Repository}}:{{.Tag}}").CombinedOutput()
		if err != nil {
			w.t.Errorf("list built images: %v: %s", err, out)
			return
		}
		for _, tag := range strings.Fields(string(out)) {
			if err := w.e.ImageRemove(context.Background(), tag); err != nil && !errors.Is(err, engine.ErrNotFound) {
				w.t.Errorf("remove built image %s: %v", tag, err)
			}
		}
	})
}

// dockerCLI runs the docker command line (for facts berth has no command
// for, such as an image's history) and returns its output.
func dockerCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	require.NoError(t, err, "docker %v: %s", args, out)
	return string(out)
}

// hijackProxy is a unix-socket proxy in front of the daemon that counts
// BuildKit's hijacked connections: each connection's first request is
// read, and a POST to /grpc (BuildKit's controller) or /session (a
// build's session) is counted; every byte then flows through unchanged.
// The SDK opens a fresh connection for every hijack, so connections
// counted are hijacks made.
type hijackProxy struct {
	path          string
	grpc, session atomic.Int64
	ln            net.Listener
	wg            sync.WaitGroup
}

// startHijackProxy proxies the daemon's unix socket (the test engine's
// endpoint) until the test ends.
func startHijackProxy(t *testing.T, e engine.Engine) *hijackProxy {
	t.Helper()
	u, err := url.Parse(e.Endpoint())
	require.NoError(t, err)
	if u.Scheme != "unix" {
		t.Fatalf("the hijack proxy needs a daemon on a unix socket, have %s", e.Endpoint())
	}
	upstream := u.Path
	p := &hijackProxy{path: filepath.Join(t.TempDir(), "d.sock")}
	p.ln, err = net.Listen("unix", p.path)
	require.NoError(t, err)
	p.wg.Go(func() {
		for {
			c, err := p.ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.serve(c, upstream) })
		}
	})
	t.Cleanup(func() {
		_ = p.ln.Close()
		p.wg.Wait()
	})
	return p
}

// host is the DOCKER_HOST of the proxy.
func (p *hijackProxy) host() string { return "unix://" + p.path }

func (p *hijackProxy) serve(c net.Conn, upstream string) {
	defer c.Close()
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		return
	}
	if f := strings.Fields(line); len(f) >= 2 && f[0] == "POST" {
		switch path, _, _ := strings.Cut(f[1], "?"); {
		case strings.HasSuffix(path, "/grpc"):
			p.grpc.Add(1)
		case strings.HasSuffix(path, "/session"):
			p.session.Add(1)
		}
	}
	up, err := net.Dial("unix", upstream)
	if err != nil {
		return
	}
	defer up.Close()
	if _, err := io.WriteString(up, line); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(up, br)
		if cw, ok := up.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
	}()
	_, _ = io.Copy(c, up)
	_ = c.Close()
	<-done
}

// apiBefore reports whether the daemon's API version is older than v.
func (w *world) apiBefore(t *testing.T, v string) bool {
	t.Helper()
	got, err := w.e.Version(t.Context())
	require.NoError(t, err)
	var a, b [2]int
	_, err1 := fmt.Sscanf(got.MaxAPIVersion, "%d.%d", &a[0], &a[1])
	_, err2 := fmt.Sscanf(v, "%d.%d", &b[0], &b[1])
	require.NoError(t, errors.Join(err1, err2))
	return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])
}
