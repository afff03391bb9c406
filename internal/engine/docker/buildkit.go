package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"sync"
	"time"

	bkclient "github.com/moby/buildkit/client"

	"github.com/berth-dev/berth/internal/engine"
)

// buildKitProbeTimeout bounds the first call to the daemon's BuildKit.
const buildKitProbeTimeout = 20 * time.Second

// notUpgraded matches the SDK's error for a hijack the daemon refused:
// a daemon without BuildKit has no /grpc endpoint.
var notUpgraded = regexp.MustCompile(`unable to upgrade to \S+, received (4\d\d)`)

// buildKit is the daemon's built-in BuildKit, reached the way the docker
// CLI and buildx's "docker" driver reach it: gRPC over a hijacked Engine
// API connection (POST /grpc, upgraded to h2c), and the client's session
// (file sync of the context, secrets, registry credentials) over another
// (POST /session). It is probed once, on the first build, and its client
// kept for the Engine's life: one /grpc connection per process.
type buildKit struct {
	mu     sync.Mutex
	probed bool
	client *bkclient.Client // nil once probed: the daemon does not offer BuildKit
	why    string           // why not, once probed

	dialMu  sync.Mutex // guards dialErr, written from gRPC's dialing goroutine
	dialErr error      // the last failed /grpc dial
}

// buildKitClient returns the BuildKit client of the daemon, or nil (and
// the reason) when the daemon does not offer BuildKit. The first call
// probes the daemon (a ListWorkers over /grpc); a probe that fails for
// another reason than a refused upgrade is an error, and the next call
// probes again.
func (e *Engine) buildKitClient(ctx context.Context) (*bkclient.Client, string, error) {
	bk := &e.bk
	bk.mu.Lock()
	defer bk.mu.Unlock()
	if bk.probed {
		return bk.client, bk.why, nil
	}
	c, err := bkclient.New(ctx, "", bkclient.WithContextDialer(e.dialGRPC), bkclient.WithSessionDialer(e.dialSession))
	if err != nil {
		return nil, "", fmt.Errorf("connect to the daemon's BuildKit: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, buildKitProbeTimeout)
	_, err = c.ListWorkers(pctx)
	cancel()
	if err == nil {
		bk.probed, bk.client = true, c
		return c, "", nil
	}
	_ = c.Close()
	dialErr := bk.takeDialErr()
	for _, cause := range []error{dialErr, err} {
		if cause != nil && notUpgraded.MatchString(cause.Error()) {
			bk.probed, bk.why = true, "the daemon does not offer BuildKit over its API ("+notUpgraded.FindString(cause.Error())+" for /grpc)"
			return nil, bk.why, nil
		}
	}
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	if dialErr != nil {
		err = errors.Join(err, dialErr)
	}
	return nil, "", engine.Wrap(engine.OpImageBuild, engine.ErrTransient, fmt.Errorf("probe the daemon's BuildKit: %w", err))
}

// dialGRPC opens a connection to the daemon's BuildKit controller.
func (e *Engine) dialGRPC(ctx context.Context, _ string) (net.Conn, error) {
	conn, err := e.cli.DialHijack(ctx, "/grpc", "h2c", nil)
	if err != nil {
		e.bk.noteDialErr(err)
	}
	return conn, err
}

// dialSession opens the connection a build's session runs on.
func (e *Engine) dialSession(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
	return e.cli.DialHijack(ctx, "/session", proto, meta)
}

// noteDialErr keeps a dial error for the probe. gRPC dials from its own
// goroutine while the probe holds mu, so this takes dialMu only.
func (bk *buildKit) noteDialErr(err error) {
	bk.dialMu.Lock()
	bk.dialErr = err
	bk.dialMu.Unlock()
}

// takeDialErr returns the last dial error and forgets it.
func (bk *buildKit) takeDialErr() error {
	bk.dialMu.Lock()
	defer bk.dialMu.Unlock()
	err := bk.dialErr
	bk.dialErr = nil
	return err
}

// close releases the client's connection.
func (bk *buildKit) close() error {
	bk.mu.Lock()
	defer bk.mu.Unlock()
	if bk.client == nil {
		return nil
	}
	err := bk.client.Close()
	bk.client, bk.probed = nil, false
	return err
}
