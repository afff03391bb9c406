package docker

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/internal/engine"
)

// Registry failures as the daemon words them (Docker 20.10 answers most
// of them with a 500, whatever the registry said).
var (
	pullAuthFailure = regexp.MustCompile(`(?i)unauthorized|authentication required|no basic auth credentials|` +
		`incorrect username or password|denied: requested access|authorization failed|forbidden`)
	pullNotFound = regexp.MustCompile(`(?i)manifest unknown|not found|repository does not exist|no matching manifest`)
)

// ImagePull pulls ref with the credentials the docker CLI would send for
// its registry (see [registryAuth]) and reports the daemon's progress
// messages. It returns once the daemon finished the pull. Errors name the
// image and its registry:
//   - the daemon unreachable: [engine.ErrUnavailable];
//   - the image (or tag, or platform) unknown to the registry:
//     [engine.ErrNotFound];
//   - credentials missing, wrong or refused: [engine.ErrAuth];
//   - a malformed reference or platform: [engine.ErrInvalid];
//   - the registry unreachable, slow, rate limiting or failing mid-pull:
//     [engine.ErrTransient] (the daemon answered; the registry did not).
func (e *Engine) ImagePull(ctx context.Context, ref string, opts engine.PullOptions, progress func(engine.PullProgress)) error {
	const op = engine.OpImagePull
	host, _, err := registryOf(ref)
	if err != nil {
		return engine.Wrap(op, engine.ErrInvalid, err)
	}
	fail := func(kind error, msg string) error {
		return engine.Wrap(op, kind, fmt.Errorf("pull %s from %s: %s", ref, host, msg))
	}
	po := client.ImagePullOptions{}
	if po.RegistryAuth, err = registryAuth(ref); err != nil {
		return fail(engine.ErrAuth, err.Error())
	}
	if opts.Platform != "" {
		p, err := parsePlatform(opts.Platform)
		if err != nil {
			return fail(engine.ErrInvalid, err.Error())
		}
		po.Platforms = []ocispec.Platform{p}
	}
	res, err := e.cli.ImagePull(ctx, ref, po)
	if err != nil {
		return fail(pullKind(err), err.Error())
	}
	defer res.Close()
	for msg, err := range res.JSONMessages(ctx) {
		if err != nil {
			if ctx.Err() != nil {
				return engine.Wrap(op, nil, ctx.Err())
			}
			return fail(engine.ErrTransient, "the daemon's progress stream broke: "+err.Error())
		}
		if msg.Error != nil {
			return fail(streamKind(msg.Error.Message), msg.Error.Message)
		}
		if progress != nil && msg.Status != "" {
			p := engine.PullProgress{Layer: msg.ID, Status: msg.Status}
			if msg.Progress != nil {
				p.Current, p.Total = msg.Progress.Current, msg.Progress.Total
			}
			progress(p)
		}
	}
	return nil
}

// pullKind classifies the daemon's answer to a pull request. Only a
// daemon that could not be reached is unavailable: a registry failure the
// daemon relays (Docker 20.10 answers 500 with the registry's network
// error) is transient, and must not count against the daemon's breaker.
func pullKind(err error) error {
	_, answered := kindFromErrdefs(err)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil
	case client.IsErrConnectionFailed(err), !answered && isNetFailure(err):
		return engine.ErrUnavailable
	case cerrdefs.IsNotFound(err):
		return engine.ErrNotFound
	case cerrdefs.IsUnauthorized(err), cerrdefs.IsPermissionDenied(err), pullAuthFailure.MatchString(err.Error()):
		return engine.ErrAuth
	case cerrdefs.IsInvalidArgument(err):
		return engine.ErrInvalid
	}
	return engine.ErrTransient
}

// streamKind classifies an error the daemon reported in the middle of a
// pull's progress stream.
func streamKind(msg string) error {
	switch {
	case pullAuthFailure.MatchString(msg):
		return engine.ErrAuth
	case pullNotFound.MatchString(msg):
		return engine.ErrNotFound
	}
	return engine.ErrTransient
}

// parsePlatform reads "os/arch[/variant]".
func parsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return ocispec.Platform{}, fmt.Errorf("platform %q: want os/arch[/variant], for example linux/amd64", s)
	}
	p := ocispec.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}
