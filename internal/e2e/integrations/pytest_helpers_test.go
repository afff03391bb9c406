//go:build linux

package integrations

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// python is Debian's interpreter, which sees Debian's python3-pytest and
// python3-pytest-xdist (the python3 on PATH may be another one);
// BERTH_TEST_PYTHON overrides it.
func python() string {
	if p := os.Getenv("BERTH_TEST_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// requirePytest fails the test (skips it without BERTH_INTEGRATION=1)
// when pytest and pytest-xdist cannot be imported.
func requirePytest(t *testing.T) {
	t.Helper()
	out, err := exec.Command(python(), "-c", "import pytest, xdist").CombinedOutput()
	if err == nil {
		return
	}
	msg := "needs pytest and pytest-xdist for " + python() + " (scripts/test installs Debian's python3-pytest and python3-pytest-xdist): "
	if os.Getenv(itest.EnvIntegration) == "1" {
		t.Fatalf("%s%v: %s", msg, err, out)
	}
	t.Skipf("%s%v: %s", msg, err, out)
}

// pluginDir is where pytest_berth.py lives; suite is the plugin's stack
// suite and stack its compose file.
func pluginDir() string { return filepath.Join(root(), "integrations", "pytest") }
func suite() string     { return filepath.Join(pluginDir(), "tests", "stack") }
func stack() string     { return filepath.Join(suite(), "compose.yaml") }

// pytest runs pytest with the plugin to its end.
func (w *world) pytest(args ...string) result {
	w.t.Helper()
	w.env = append(w.env, "PYTHONPATH="+pluginDir())
	return w.exec(root(), python(), append([]string{"-m", "pytest", "-p", "no:cacheprovider", "-p", "pytest_berth"}, args...)...)
}

// session is a pytest run the test meets halfway: every test process
// writes an arrival to a FIFO once it holds its lease, then waits on a
// gate (a file the test holds an exclusive flock on) before its first
// test (integrations/pytest/tests/stack/conftest.py).
type session struct {
	t        *testing.T
	cmd      *exec.Cmd
	out      bytes.Buffer
	fifo     *os.File
	lines    chan string
	gate     *os.File
	junit    string
	done     chan struct{}
	exitCode int
}

// arrival is what one test process reports when it holds its lease.
type arrival struct {
	Worker string            `json:"worker"`
	PID    int               `json:"pid"`
	Env    string            `json:"env"`
	Lease  string            `json:"lease"`
	Vars   map[string]string `json:"vars"`
}

// startSession starts pytest -n 4 on the plugin's stack suite with args
// added, the gate closed.
func (w *world) startSession(args ...string) *session {
	t := w.t
	t.Helper()
	dir := t.TempDir()
	s := &session{t: t, lines: make(chan string, 16), done: make(chan struct{}), junit: filepath.Join(dir, "junit.xml")}
	fifo := filepath.Join(dir, "arrivals")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	var err error
	// Read and write: opening never blocks, and the test processes'
	// opens for writing never wait for a reader.
	s.fifo, err = os.OpenFile(fifo, os.O_RDWR, 0)
	require.NoError(t, err)
	s.gate, err = os.Create(filepath.Join(dir, "gate"))
	require.NoError(t, err)
	require.NoError(t, syscall.Flock(int(s.gate.Fd()), syscall.LOCK_EX))
	go func() {
		sc := bufio.NewScanner(s.fifo)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()

	argv := append([]string{"-m", "pytest", "-p", "no:cacheprovider", "-p", "pytest_berth", "-n", "4",
		"--berth-file", stack(), "--berth-project-name", w.project, "--junitxml", s.junit, suite()}, args...)
	s.cmd = exec.Command(python(), argv...)
	s.cmd.Dir = root()
	s.cmd.Env = append(w.environ(), "PYTHONPATH="+pluginDir(),
		"BERTH_PYTEST_RENDEZVOUS="+fifo, "BERTH_PYTEST_GATE="+s.gate.Name())
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	require.NoError(t, s.cmd.Start())
	go func() {
		err := s.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			s.exitCode = ee.ExitCode()
		}
		close(s.done)
	}()
	t.Cleanup(func() {
		s.open()
		_ = s.cmd.Process.Kill()
		<-s.done
		s.fifo.Close()
	})
	return s
}

// arrivals waits for n test processes to hold their leases and wait at
// the gate.
func (s *session) arrivals(n int) []arrival {
	s.t.Helper()
	var got []arrival
	timeout := time.After(deadline)
	for len(got) < n {
		select {
		case line := <-s.lines:
			var a arrival
			require.NoError(s.t, json.Unmarshal([]byte(line), &a), line)
			got = append(got, a)
		case <-s.done:
			s.t.Fatalf("pytest ended (exit %d) with %d of %d arrivals:\n%s", s.exitCode, len(got), n, s.out.String())
		case <-timeout:
			s.t.Fatalf("%d of %d arrivals after %s:\n%s", len(got), n, deadline, s.out.String())
		}
	}
	return got
}

// open lets the waiting test processes go on.
func (s *session) open() {
	if s.gate != nil {
		s.gate.Close() // closing the file drops its flock
		s.gate = nil
	}
}

// wait waits for pytest to end and returns its exit code and output.
func (s *session) wait() (int, string) {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(deadline):
		s.t.Fatalf("pytest still running after %s:\n%s", deadline, s.out.String())
	}
	return s.exitCode, s.out.String()
}

// testcase is one test of pytest's JUnit XML report.
type testcase struct {
	Name    string `xml:"name,attr"`
	Failure *struct {
		Message string `xml:"message,attr"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
	} `xml:"error"`
}

// report reads the run's JUnit XML report.
func (s *session) report() []testcase {
	s.t.Helper()
	b, err := os.ReadFile(s.junit)
	require.NoError(s.t, err)
	var doc struct {
		Suites []struct {
			Cases []testcase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(s.t, xml.Unmarshal(b, &doc))
	var cases []testcase
	for _, su := range doc.Suites {
		cases = append(cases, su.Cases...)
	}
	return cases
}
