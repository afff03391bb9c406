package docker

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/docker/go-connections/sockets"
	"github.com/docker/go-connections/tlsconfig"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// Options configure [New]. The zero value takes everything from the
// environment, as the docker CLI would.
type Options struct {
	// Host overrides DOCKER_HOST and DOCKER_CONTEXT when set, for example
	// "unix:///var/run/docker.sock" or "tcp://127.0.0.1:2376". TLS still
	// comes from DOCKER_CERT_PATH / DOCKER_TLS_VERIFY.
	Host string
	// Logger receives what the engine must say but is not an error: a
	// setting the daemon's API version cannot apply (nil discards).
	Logger *slog.Logger
}

// Engine is the [engine.Engine] backed by the Docker Engine API. It is safe
// for concurrent use. Create it with [New]; release it with [Engine.Close].
type Engine struct {
	cli *client.Client
	// raw is an HTTP client to the same daemon for the one request the SDK
	// cannot express (network create with CheckDuplicate on API < 1.44).
	raw     *http.Client
	rawBase string // scheme://host[/base path] for raw requests

	log *slog.Logger

	mu         sync.Mutex
	negotiated string // API version in use, once known

	bk buildKit // the daemon's BuildKit, probed on the first build
}

var _ engine.Engine = (*Engine)(nil)

// New returns an Engine for the daemon chosen by opts and the environment:
// Options.Host, else DOCKER_HOST, else DOCKER_CONTEXT, else the docker CLI's
// current context ($DOCKER_CONFIG or ~/.docker, config.json), else the
// platform default. TLS follows DOCKER_CERT_PATH / DOCKER_TLS_VERIFY or the
// context's TLS material. The API version is negotiated with the daemon on
// first use unless DOCKER_API_VERSION pins it. New reads local files but
// does not contact the daemon.
func New(opts Options) (*Engine, error) {
	home, _ := os.UserHomeDir() // "" is fine: only used to default DOCKER_CONFIG
	ep, err := resolveEndpoint(opts.Host, os.Getenv, home)
	if err != nil {
		return nil, fmt.Errorf("create docker engine: %w", err)
	}
	host := ep.Host
	if host == "" {
		host = client.DefaultDockerHost
	}
	u, err := client.ParseHostURL(host)
	if err != nil {
		return nil, fmt.Errorf("create docker engine: host from %s: %w", ep.Source, err)
	}
	tlsCfg, err := ep.TLS.config()
	if err != nil {
		return nil, fmt.Errorf("create docker engine: TLS for %s (from %s): %w", host, ep.Source, err)
	}
	tr := &http.Transport{TLSClientConfig: tlsCfg, MaxIdleConns: 6, IdleConnTimeout: 30 * time.Second}
	if err := sockets.ConfigureTransport(tr, u.Scheme, u.Host); err != nil {
		return nil, fmt.Errorf("create docker engine: host %s (from %s): %w", host, ep.Source, err)
	}
	raw := &http.Client{Transport: tr, CheckRedirect: client.CheckRedirect}
	// WithHTTPClient clones the transport, so the SDK and raw pools are apart.
	cli, err := client.New(
		client.WithHTTPClient(raw),
		client.WithHost(host),
		client.WithAPIVersionFromEnv(),
		client.WithAPIVersionNegotiation(),
	)
	if err != nil {
		return nil, fmt.Errorf("create docker engine: host %s (from %s): %w", host, ep.Source, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{cli: cli, raw: raw, rawBase: rawBaseURL(u, tlsCfg != nil), log: log}, nil
}

// rawBaseURL is the URL prefix of raw requests. Unix sockets and named pipes
// ignore the URL host (the transport dials the socket), so a dummy host is used.
func rawBaseURL(u *url.URL, useTLS bool) string {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	switch u.Scheme {
	case "unix", "npipe":
		return scheme + "://" + client.DummyHost
	default:
		return scheme + "://" + u.Host + u.Path
	}
}

// config builds the client TLS configuration; nil files give nil.
func (f *tlsFiles) config() (*tls.Config, error) {
	if f == nil {
		return nil, nil
	}
	return tlsconfig.Client(tlsconfig.Options{
		CAFile:             f.CA,
		CertFile:           f.Cert,
		KeyFile:            f.Key,
		InsecureSkipVerify: f.SkipVerify,
		ExclusiveRootPools: true,
		MinVersion:         tls.VersionTLS12,
	})
}

// Close releases idle connections. The Engine must not be used afterwards.
func (e *Engine) Close() error {
	e.raw.CloseIdleConnections()
	return errors.Join(e.bk.close(), e.cli.Close())
}

// Endpoint returns the daemon host URL, for example
// "unix:///var/run/docker.sock". It does no I/O.
func (e *Engine) Endpoint() string { return e.cli.DaemonHost() }

// apiVersion returns the API version this engine speaks with the daemon,
// negotiating it first if that has not happened yet.
func (e *Engine) apiVersion(ctx context.Context) (string, error) {
	e.mu.Lock()
	v := e.negotiated
	e.mu.Unlock()
	if v != "" {
		return v, nil
	}
	if _, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return "", err
	}
	v = e.cli.ClientVersion()
	e.mu.Lock()
	e.negotiated = v
	e.mu.Unlock()
	return v, nil
}
