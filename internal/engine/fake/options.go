package fake

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Option configures a fake [Engine].
type Option func(*config)

type config struct {
	id         string
	endpoint   string
	memTotal   int64
	apiVersion string
	clock      func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	exec       func(id string, spec engine.ExecSpec) engine.ExecResult
}

// WithMemTotal sets the host memory Info reports and the memory limit Stats
// reports for containers without one (default 8 GiB).
func WithMemTotal(n int64) Option { return func(c *config) { c.memTotal = n } }

// WithClock sets the clock for timestamps (created, started, events).
// Waits (stop grace periods, [Engine.Delay]) use [WithSleep], not the clock.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithSleep replaces the wait used for stop grace periods and
// [Engine.Delay]. It must return ctx.Err() when ctx ends first; a negative
// d means "until ctx ends". Tests pass a no-op to make grace periods
// instant.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) { c.sleep = sleep }
}

// WithExec sets what ContainerExec returns for a running container
// (default: the test service's subcommands, see [Engine.ContainerExec]); fn may read spec.Stdin. It may be
// called concurrently.
func WithExec(fn func(id string, spec engine.ExecSpec) engine.ExecResult) Option {
	return func(c *config) { c.exec = fn }
}

// WithAPIVersion sets the API version Ping and Version report (default
// "1.41", the daemon of this project's machines).
func WithAPIVersion(v string) Option { return func(c *config) { c.apiVersion = v } }

// WithEndpoint sets what Endpoint returns (default "fake://<random>").
func WithEndpoint(s string) Option { return func(c *config) { c.endpoint = s } }
