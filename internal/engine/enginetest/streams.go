package enginetest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testLogsFollow: a follow delivers the lines so far, with their stream
// and time, and ends when the container stops.
func (s *suite) testLogsFollow(t *testing.T, ctx context.Context) {
	line := "follow-me-" + s.run
	id := s.create(t, ctx, s.spec("TESTSVC_LOG="+line))
	require.NoError(t, s.e.ContainerStart(ctx, id))
	poll(t, ctx, readyTimeout, "log line "+line, func() (bool, string) {
		out, err := engine.Logs(ctx, s.e, id, engine.LogOptions{})
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(string(out), line), string(out)
	})
	got := make(chan engine.LogLine, 64)
	ended := make(chan error, 1)
	go func() {
		ended <- s.e.ContainerLogs(ctx, id, engine.LogOptions{Follow: true}, func(l engine.LogLine) { got <- l })
	}()
	select {
	case l := <-got:
		assert.Equal(t, "stdout", l.Stream)
		assert.False(t, l.Time.IsZero(), "lines carry the daemon's time")
	case err := <-ended:
		t.Fatalf("the follow ended before any line: %v", err)
	}
	select {
	case err := <-ended:
		t.Fatalf("the follow ended while the container ran: %v", err)
	default:
	}
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(5 * time.Second)}))
	select {
	case err := <-ended:
		require.NoError(t, err, "the follow ends with the container")
	case <-ctx.Done():
		t.Fatal("the follow did not end when the container stopped")
	}
}

// testExecStreams: stdin reaches the process and its output the writer;
// the exit code comes back.
func (s *suite) testExecStreams(t *testing.T, ctx context.Context) {
	id := s.startReady(t, ctx, s.spec())
	var out bytes.Buffer
	r, err := s.e.ContainerExec(ctx, id, engine.ExecSpec{Cmd: []string{"/testsvc", "cat"},
		Stdin: strings.NewReader("hello through stdin\n"), Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, 0, r.ExitCode)
	assert.Equal(t, "hello through stdin\n", out.String())
	assert.Empty(t, r.Output, "output went to the writer")
}
