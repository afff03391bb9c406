package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// TestClassifyDaemonAnswers runs daemon error answers through the real SDK
// (a fake daemon over HTTP) and checks the kind and that the daemon's text
// survives.
func TestClassifyDaemonAnswers(t *testing.T) {
	tests := []struct {
		status int
		msg    string
		want   error
	}{
		{404, "No such container: abc", engine.ErrNotFound},
		{404, "No such image: busybox:latest", engine.ErrNotFound}, // "busybox" is not "busy"
		{409, `Conflict. The container name "/web" is already in use by container "abc"`, engine.ErrConflict},
		{409, "You cannot remove a running container abc. Stop the container before attempting removal", engine.ErrConflict},
		{409, "removal of container abc is already in progress", engine.ErrTransient},
		{409, "a disk usage operation is already running", engine.ErrTransient},
		{400, "invalid reference format", engine.ErrInvalid},
		{404, "network web_default is ambiguous (2 matches found on name)", engine.ErrTransient},
		{500, "network web_default is ambiguous (2 matches found on name)", engine.ErrTransient},
		{500, "driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:8080 failed: port is already allocated", engine.ErrConflict},
		{403, "error while removing network: network net1 id 4f2 has active endpoints", engine.ErrConflict},
		{500, "unlinkat /var/lib/docker/overlay2/x/merged: device or resource busy", engine.ErrTransient},
		{500, "something broke", engine.ErrTransient},
		{502, "bad gateway", engine.ErrTransient},
		{429, "too many requests", engine.ErrTransient},
		{503, "daemon is shutting down", engine.ErrUnavailable},
		{501, "not implemented", engine.ErrInvalid},
		{413, "request entity too large", engine.ErrInvalid},
		{504, "gateway timeout", engine.ErrTransient},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d %s", tc.status, tc.msg), func(t *testing.T) {
			e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
				jsonError(w, tc.status, tc.msg)
			})
			_, err := e.ContainerInspect(context.Background(), "abc")
			require.Error(t, err)
			var ee *engine.Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, engine.OpContainerInspect, ee.Op)
			assert.Equal(t, tc.want, ee.Kind)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestClassifyTransportFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := ln.Addr().String()
	require.NoError(t, ln.Close())

	for _, host := range []string{
		"tcp://" + closedAddr,                            // connection refused
		"unix://" + t.TempDir() + "/no-such-docker.sock", // missing socket
	} {
		t.Run(host, func(t *testing.T) {
			e, err := New(Options{Host: host})
			require.NoError(t, err)
			t.Cleanup(func() { _ = e.Close() })
			_, err = e.Ping(context.Background())
			require.Error(t, err)
			assert.ErrorIs(t, err, engine.ErrUnavailable)
			assert.True(t, engine.Retryable(err))
		})
	}
}

func TestClassifyPlainErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"caller cancelled", fmt.Errorf("get: %w", context.Canceled), nil},
		{"caller deadline", context.DeadlineExceeded, nil},
		{"connection closed mid-answer", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), engine.ErrUnavailable},
		{"net op error", &net.OpError{Op: "read", Net: "unix", Err: errors.New("boom")}, engine.ErrUnavailable},
		{"reset by peer text", errors.New("read unix @->/var/run/docker.sock: read: connection reset by peer"), engine.ErrUnavailable},
		{"already classified", fmt.Errorf("x: %w", engine.ErrConflict), engine.ErrConflict},
		{"unknown", errors.New("something else"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, classify(tc.err))
		})
	}
	assert.NoError(t, wrap(engine.OpPing, nil))
}
