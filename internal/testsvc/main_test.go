package testsvc

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reexecEnv makes the test binary run [Main] instead of the tests, so the
// tests can exercise a real process (signals, exit codes).
const reexecEnv = "TESTSVC_TEST_REEXEC"

func TestMain(m *testing.M) {
	if os.Getenv(reexecEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// proc is the service running as a child process.
type proc struct {
	cmd   *exec.Cmd
	lines chan string // stdout, closed at EOF
	done  chan struct{}
}

// spawn runs Main in a child process with env and args.
func spawn(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), reexecEnv+"=1"), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &proc{cmd: cmd, lines: make(chan string, 100), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

var listenRE = regexp.MustCompile(`listening on .*:(\d+)$`)

// port waits for the "listening on" line and returns the port.
func (p *proc) port(t *testing.T) int {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			require.True(t, ok, "process ended before listening")
			if m := listenRE.FindStringSubmatch(line); m != nil {
				n, err := strconv.Atoi(m[1])
				require.NoError(t, err)
				return n
			}
		case <-timeout:
			t.Fatal("process did not listen")
		}
	}
}

// exitCode waits for the process to end and returns its exit code
// (-1 when killed by a signal).
func (p *proc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatal("process did not exit")
		return 0
	}
}

func probe(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := Main(append([]string{"probe"}, args...), nil, &bytes.Buffer{}, &stderr, func(string) string { return "" })
	return code, stderr.String()
}

func TestMainProbe(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0"})
	port := p.port(t)
	code, stderr := probe(t, "--port", strconv.Itoa(port))
	assert.Equal(t, 0, code, stderr)

	require.NoError(t, Probe(context.Background(), port))
	code, _ = probe(t, "--port", "bogus")
	assert.Equal(t, 2, code)
}

func TestMainProbeUnhealthy(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0"}, "--unhealthy-after=1ms")
	port := p.port(t)
	require.Eventually(t, func() bool {
		code, _ := probe(t, "--port", strconv.Itoa(port))
		return code == 1
	}, 10*time.Second, 10*time.Millisecond)
}

func TestMainProbeNothingListening(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0"})
	port := p.port(t)
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.Equal(t, 0, p.exitCode(t))
	code, stderr := probe(t, "--port", strconv.Itoa(port))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "testsvc probe:")
}

func TestMainCrashAfterExitCode(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0", "TESTSVC_CRASH_AFTER=10ms", "TESTSVC_EXIT_CODE=5"})
	assert.Equal(t, 5, p.exitCode(t))
}

func TestMainBadConfig(t *testing.T) {
	var stderr bytes.Buffer
	code := Main(nil, nil, &bytes.Buffer{}, &stderr, func(k string) string {
		return map[string]string{"TESTSVC_CRASH_AFTER": "soon"}[k]
	})
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "TESTSVC_CRASH_AFTER")
}

func TestCatCopiesStdinToStdout(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"cat"}, strings.NewReader("hi\nthere\n"), &out, &errb, func(string) string { return "" })
	if code != 0 || out.String() != "hi\nthere\n" {
		t.Fatalf("cat: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
