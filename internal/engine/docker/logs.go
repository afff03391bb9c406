package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerLogs returns the container's stdout and stderr (interleaved in
// the daemon's order when the container has no TTY), the last opts.Tail
// lines or all of them.
func (e *Engine) ContainerLogs(ctx context.Context, id string, opts engine.LogOptions) ([]byte, error) {
	const op = engine.OpContainerLogs
	info, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, wrap(op, err)
	}
	tty := info.Container.Config != nil && info.Container.Config.Tty
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true}
	if opts.Tail > 0 {
		lo.Tail = strconv.Itoa(opts.Tail)
	}
	rc, err := e.cli.ContainerLogs(ctx, id, lo)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rc.Close()
	out, err := readStream(rc, tty)
	if err != nil {
		return nil, wrap(op, fmt.Errorf("read logs of container %s: %w", id, err))
	}
	return out, nil
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
