package engine

import (
	"context"
	"io"
)

// Engine is every Docker Engine operation berth performs. Implementations
// must be safe for concurrent use. Methods return errors that wrap a kind
// sentinel (see errors.go) whenever the kind is known.
type Engine interface {
	// Endpoint names the daemon this engine talks to (for example
	// "unix:///var/run/docker.sock"). It does no I/O.
	Endpoint() string

	Ping(ctx context.Context) (Ping, error)
	Info(ctx context.Context) (Info, error)
	Version(ctx context.Context) (Version, error)
	DiskUsage(ctx context.Context) (DiskUsage, error)
	// Events streams daemon events matching the filter until ctx ends.
	// The error channel receives at most one error and is then closed;
	// both channels are closed when the stream ends.
	Events(ctx context.Context, f EventFilter) (<-chan Event, <-chan error)

	ContainerCreate(ctx context.Context, spec ContainerSpec) (string, error)
	ContainerStart(ctx context.Context, id string) error
	// ContainerStop sends the stop signal, waits up to the timeout, then
	// kills. It returns once the daemon reports the stop done.
	ContainerStop(ctx context.Context, id string, opts StopOptions) error
	ContainerInspect(ctx context.Context, id string) (Container, error)
	ContainerList(ctx context.Context, f ListFilter) ([]ContainerSummary, error)
	// ContainerRemove removes a container that is not running. A running
	// container is refused by the daemon with an ErrConflict error.
	ContainerRemove(ctx context.Context, id string, opts RemoveOptions) error
	// ContainerLogs calls line for each line of the container's output,
	// oldest first, in the daemon's order, and returns once every line was
	// delivered (with Follow: once the container stopped, or ctx ended).
	ContainerLogs(ctx context.Context, id string, opts LogOptions, line func(LogLine)) error
	ContainerStats(ctx context.Context, id string) (Stats, error)
	// ContainerExec runs spec in the running container id, streaming its
	// standard input and output as the spec says, and returns its exit code
	// once it ended. A container that is not running is ErrConflict.
	ContainerExec(ctx context.Context, id string, spec ExecSpec) (ExecResult, error)

	NetworkCreate(ctx context.Context, spec NetworkSpec) (string, error)
	NetworkInspect(ctx context.Context, id string) (Network, error)
	NetworkList(ctx context.Context, f ListFilter) ([]Network, error)
	NetworkDisconnect(ctx context.Context, network, container string) error
	NetworkRemove(ctx context.Context, id string) error

	VolumeCreate(ctx context.Context, spec VolumeSpec) (Volume, error)
	VolumeList(ctx context.Context, f ListFilter) ([]Volume, error)
	VolumeRemove(ctx context.Context, name string) error

	ImageInspect(ctx context.Context, ref string) (Image, error)
	ImageRemove(ctx context.Context, ref string) error
	// ImagePull pulls ref from its registry with the credentials the docker
	// CLI would use for it, calling progress (when not nil) for each step
	// the daemon reports, and returns once the image is there. An image the
	// registry does not have wraps ErrNotFound; refused credentials wrap
	// ErrAuth; a registry that cannot be reached wraps ErrTransient.
	ImagePull(ctx context.Context, ref string, opts PullOptions, progress func(PullProgress)) error
	// ImageImport creates image ref from a tarball of a root filesystem,
	// applying Dockerfile-style changes (ENTRYPOINT, CMD, ENV, LABEL...).
	ImageImport(ctx context.Context, rootfs io.Reader, ref string, changes []string) error
	// ImageBuild builds an image with the daemon's builder from a tar of the
	// build context, and returns once the build finished. A failed build
	// is an error carrying the builder's last output lines.
	ImageBuild(ctx context.Context, spec BuildSpec) error
	BuildCachePrune(ctx context.Context, opts PruneOptions) (PruneReport, error)
}
