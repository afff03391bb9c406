// Package pgtest gives tests a PostgreSQL: the shared one named by
// BERTH_TEST_POSTGRES ([DSN]) or a throwaway cluster of their own
// ([Cluster]), for tests that restart the server. Under BERTH_INTEGRATION=1
// a missing database fails the test; otherwise the test is skipped.
package pgtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// DSN returns BERTH_TEST_POSTGRES.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("BERTH_TEST_POSTGRES")
	if dsn == "" {
		missing(t, "BERTH_TEST_POSTGRES is not set (./scripts/test starts a PostgreSQL and sets it)")
	}
	return dsn
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("BERTH_INTEGRATION") == "1" {
		t.Fatalf("PostgreSQL needed: %s", why)
	}
	t.Skipf("PostgreSQL needed: %s", why)
}

// Scope is a fresh lock scope for one test, so tests sharing a database
// never share a lock.
func Scope(t testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return t.Name() + "-" + hex.EncodeToString(b[:])
}

// Server is a throwaway PostgreSQL cluster started by [Cluster].
type Server struct {
	DSN  string
	dir  string
	bin  string
	user string // run its programs as this user ("" is us)
}

// Cluster initialises and starts a cluster in a temporary directory,
// listening on a free loopback port, and stops it when t ends. As root
// it runs the server as the "postgres" user, which initdb requires.
func Cluster(t testing.TB) *Server {
	t.Helper()
	bin := binDir()
	if bin == "" {
		missing(t, "initdb and pg_ctl not found (Debian package postgresql)")
	}
	dir, err := os.MkdirTemp("", "berth-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			missing(t, "running as root and no postgres user to run the server as")
		}
		s.user = "postgres"
		var uid, gid int
		fmt.Sscan(u.Uid, &uid)
		fmt.Sscan(u.Gid, &gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_ = s.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(dir)
	})
	port := freePort(t)
	if out, err := s.run("initdb", "-D", s.data(), "-A", "trust", "-U", "berth", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	// In its configuration file, so that every start and restart uses it.
	conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nfsync = off\n", port, dir)
	f, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ctl("start"); err != nil {
		t.Fatalf("pg_ctl start: %v", err)
	}
	s.DSN = fmt.Sprintf("postgres://berth@127.0.0.1:%d/postgres?sslmode=disable", port)
	return s
}

// Restart restarts the server (fast shutdown: every session is ended).
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.ctl("restart", "-m", "fast"); err != nil {
		t.Fatalf("pg_ctl restart: %v", err)
	}
}

// Stop stops the server; Start starts it again.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.ctl("stop", "-m", "fast"); err != nil {
		t.Fatalf("pg_ctl stop: %v", err)
	}
}

func (s *Server) Start(t testing.TB) {
	t.Helper()
	if err := s.ctl("start"); err != nil {
		t.Fatalf("pg_ctl start: %v", err)
	}
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) ctl(args ...string) error {
	out, err := s.run("pg_ctl", append([]string{"-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-w"}, args...)...)
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

func (s *Server) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.user != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.user, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// binDir finds the server programs: on PATH, else Debian's newest
// /usr/lib/postgresql/<version>/bin.
func binDir() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(r)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := strings.Cut(l.Addr().String(), ":")
	var n int
	fmt.Sscan(port, &n)
	return n
}

// DSNFromEnv is BERTH_TEST_POSTGRES, for a test's child processes.
func DSNFromEnv() string { return os.Getenv("BERTH_TEST_POSTGRES") }
