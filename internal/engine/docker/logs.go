package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerLogs streams the container's stdout and stderr line by line
// (demultiplexed unless the container has a TTY), each line with the
// daemon's timestamp; opts.Tail limits the lines from the past, opts.Since
// starts later, opts.Follow keeps the stream open until the container
// stops or ctx ends.
func (e *Engine) ContainerLogs(ctx context.Context, id string, opts engine.LogOptions, line func(engine.LogLine)) error {
	const op = engine.OpContainerLogs
	info, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return wrap(op, err)
	}
	tty := info.Container.Config != nil && info.Container.Config.Tty
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Follow: opts.Follow}
	if opts.Tail > 0 {
		lo.Tail = strconv.Itoa(opts.Tail)
	}
	if !opts.Since.IsZero() {
		lo.Since = strconv.FormatInt(opts.Since.Unix(), 10) + "." + fmt.Sprintf("%09d", opts.Since.Nanosecond())
	}
	rc, err := e.cli.ContainerLogs(ctx, id, lo)
	if err != nil {
		return wrap(op, err)
	}
	defer rc.Close()
	stop := context.AfterFunc(ctx, func() { rc.Close() }) // unblocks a follow
	defer stop()
	stdout, stderr := &lineWriter{stream: "stdout", emit: line}, &lineWriter{stream: "stderr", emit: line}
	if tty {
		_, err = io.Copy(stdout, rc)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, rc)
	}
	stdout.flush()
	stderr.flush()
	if ctx.Err() != nil {
		return nil // a follow ended by its caller
	}
	if err != nil {
		return wrap(op, fmt.Errorf("read logs of container %s: %w", id, err))
	}
	return nil
}

// lineWriter splits a stream of timestamped log output into lines.
type lineWriter struct {
	stream string
	emit   func(engine.LogLine)
	buf    []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

// flush delivers a last line that had no line ending.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}

// line parses the daemon's "<RFC 3339 time> <text>" and delivers it.
func (w *lineWriter) line(s string) {
	s = strings.TrimSuffix(s, "\r")
	ts, text, _ := strings.Cut(s, " ")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t, text = time.Time{}, s
	}
	w.emit(engine.LogLine{Time: t, Stream: w.stream, Text: text})
}

// readStream reads a container output stream: raw when tty, else
// multiplexed (stdout and stderr frames), which it demultiplexes into one
// buffer in arrival order.
func readStream(r io.Reader, tty bool) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if tty {
		_, err = io.Copy(&buf, r)
	} else {
		_, err = stdcopy.StdCopy(&buf, &buf, r)
	}
	return buf.Bytes(), err
}
