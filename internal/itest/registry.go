package itest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// RegistryBinary is Debian's distribution registry (package
// docker-registry); scripts/test installs it.
const RegistryBinary = "docker-registry"

// Registry is a throwaway image registry on a loopback port, with storage
// in the test's temporary directory. The daemon treats loopback
// registries as insecure, so no TLS is needed.
type Registry struct {
	// Addr is host:port, the registry part of image references.
	Addr string
	// User and Password are the one account of a registry started with
	// auth; empty otherwise.
	User, Password string
}

// RegistryOptions tune [StartRegistry].
type RegistryOptions struct {
	// Auth requires basic authentication (htpasswd, bcrypt) for every
	// request.
	Auth bool
}

// StartRegistry starts a registry for the test and stops it when the test
// ends. Without the registry binary the test fails when
// BERTH_INTEGRATION=1 and is skipped otherwise.
func StartRegistry(t testing.TB, o RegistryOptions) *Registry {
	t.Helper()
	bin, err := exec.LookPath(RegistryBinary)
	if err != nil {
		unavailable(t, fmt.Errorf("no image registry: %w (install Debian's docker-registry package)", err))
		return nil
	}
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatalf("registry port: %v", err)
	}
	r := &Registry{Addr: "127.0.0.1:" + strconv.Itoa(port)}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n",
		filepath.Join(dir, "data"), r.Addr)
	if o.Auth {
		r.User, r.Password = "berth", "s3cret-"+runID
		hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatalf("registry password: %v", err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(r.User+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		config += fmt.Sprintf("auth:\n  htpasswd:\n    realm: berth-test\n    path: %s\n", htpasswd)
	}
	cfgFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfgFile)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start registry: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		_ = log.Close()
	})
	if err := r.awaitUp(exited); err != nil {
		out, _ := os.ReadFile(log.Name())
		t.Fatalf("registry at %s: %v\n%s", r.Addr, err, out)
	}
	return r
}

// awaitUp polls the registry's API root until it answers (200, or 401
// with auth), the process exits, or 20 s pass.
func (r *Registry) awaitUp(exited <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before answering: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not answering after 20 s: %v", err)
		}
	}
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// do sends req with the registry's credentials, if any.
func (r *Registry) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	if r.User != "" {
		req.SetBasicAuth(r.User, r.Password)
	}
	return http.DefaultClient.Do(req.WithContext(ctx))
}
