// Package connect opens berth's one gated path to the Docker daemon from
// the environment: settings are validated first (a bad one is a
// *config.SettingError, before any Docker call), then the SDK engine is
// built and wrapped in the gate.
package connect

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/pglock"
	"github.com/berth-dev/berth/internal/statedir"
)

// Conn is a gated connection to one daemon.
type Conn struct {
	*gate.Gate
	Settings config.Gate
	// Shared are the locks and gate state in PostgreSQL with BERTH_STORE
	// (package pglock); nil keeps them in the state directory.
	Shared *pglock.Backends
	close  func() error
}

// Close releases the SDK client.
func (c *Conn) Close() error { return c.close() }

// ClientError is a client configuration berth cannot use (a malformed
// DOCKER_HOST, an unknown DOCKER_CONTEXT, missing TLS files). It is bad
// input: nothing was sent to a daemon.
type ClientError struct{ Err error }

func (e *ClientError) Error() string { return fmt.Sprintf("configure docker client: %v", e.Err) }
func (e *ClientError) Unwrap() error { return e.Err }

// FromEnv reads the settings through getenv and opens the connection to
// the daemon DOCKER_HOST (or DOCKER_CONTEXT, or the default socket) names.
// No call reaches the daemon here.
func FromEnv(getenv func(string) string, log *slog.Logger) (*Conn, error) {
	return Over(nil, getenv, log)
}

// Over is [FromEnv] over eng instead of the Docker SDK engine (nil: the
// SDK engine): the same settings, state directory and gate, so unit tests
// run berth over the in-memory fake exactly as it runs over the daemon.
func Over(eng engine.Engine, getenv func(string) string, log *slog.Logger) (*Conn, error) {
	settings, err := config.GateFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	layout, err := statedir.New(settings.StateDir)
	if err != nil {
		return nil, err
	}
	closeEng := func() error { return nil }
	if eng == nil {
		sdk, err := docker.New(docker.Options{Logger: log})
		if err != nil {
			return nil, &ClientError{Err: err}
		}
		if err := checkHost(sdk.Endpoint()); err != nil {
			_ = sdk.Close()
			return nil, &ClientError{Err: err}
		}
		eng, closeEng = sdk, sdk.Close
	}
	backend, shared, err := sharedBackends(getenv("BERTH_STORE"))
	if err != nil {
		_ = closeEng()
		return nil, err
	}
	closeShared := func() {
		if shared != nil {
			shared.Close()
		}
	}
	g, err := gate.New(eng, gate.Options{Config: settings, Layout: layout, Logger: log, Backend: backend})
	if err != nil {
		closeShared()
		_ = closeEng()
		return nil, err
	}
	return &Conn{Gate: g, Settings: settings, Shared: shared, close: func() error {
		err := errors.Join(g.Close(), closeEng())
		closeShared()
		return err
	}}, nil
}

// checkHost refuses daemon addresses the Engine SDK cannot dial, so a
// typo in DOCKER_HOST is bad input rather than a network lookup.
func checkHost(host string) error {
	u, err := url.Parse(host)
	if err != nil {
		return fmt.Errorf("DOCKER_HOST %q: %w", host, err)
	}
	switch u.Scheme {
	case "unix", "npipe", "tcp", "http", "https":
		return nil
	case "ssh":
		return fmt.Errorf("DOCKER_HOST %q: ssh:// daemons are not supported; forward the socket (ssh -L) and use unix:// or tcp://", host)
	}
	return fmt.Errorf("DOCKER_HOST %q: unknown scheme %q (want unix://, npipe://, tcp:// or https://)", host, u.Scheme)
}
