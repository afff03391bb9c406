package docker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// cleanupTimeout bounds the removal of a container that could not be fully
// set up, which runs even when the caller's context has ended.
const cleanupTimeout = 30 * time.Second

// ContainerCreate creates (does not start) a container from spec and returns
// its ID. On a daemon older than API 1.44 the networks after the first are
// connected after create; if that fails the new container is removed again
// (it never ran, so no force is needed) and the error says so.
func (e *Engine) ContainerCreate(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	const op = engine.OpContainerCreate
	v, err := e.apiVersion(ctx)
	if err != nil {
		return "", wrap(op, err)
	}
	plan, err := planCreate(spec, v)
	if err != nil {
		return "", err
	}
	for _, w := range plan.warnings {
		e.log.Warn(w)
	}
	res, err := e.cli.ContainerCreate(ctx, plan.opts)
	if err != nil {
		return "", wrap(op, err)
	}
	for _, n := range plan.later {
		cerr := e.connect(ctx, n, res.ID)
		if cerr == nil {
			continue
		}
		cerr = fmt.Errorf("create container %q: connect to network %q: %w", spec.Name, n.Network, cerr)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if _, rerr := e.cli.ContainerRemove(rctx, res.ID, client.ContainerRemoveOptions{RemoveVolumes: true}); rerr != nil {
			cerr = errors.Join(cerr, fmt.Errorf("remove half-created container %s: %w", res.ID, rerr))
		}
		return "", engine.Wrap(op, classify(cerr), cerr)
	}
	return res.ID, nil
}

// connect attaches a container to a network as n says (aliases, address).
func (e *Engine) connect(ctx context.Context, n engine.EndpointSpec, ctr string) error {
	settings, err := endpointSettings(n) // checked by planCreate already
	if err != nil {
		return err
	}
	_, err = e.cli.NetworkConnect(ctx, n.Network, client.NetworkConnectOptions{Container: ctr, EndpointConfig: settings})
	return err
}

// ContainerStart starts a created or stopped container. Starting a running
// container succeeds (the daemon answers "not modified").
func (e *Engine) ContainerStart(ctx context.Context, id string) error {
	_, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{})
	return wrap(engine.OpContainerStart, err)
}

// ContainerRemove removes a stopped container, and its anonymous volumes
// when opts.Volumes is set. It never forces: the daemon refuses a running
// container with an [engine.ErrConflict] error.
func (e *Engine) ContainerRemove(ctx context.Context, id string, opts engine.RemoveOptions) error {
	_, err := e.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{RemoveVolumes: opts.Volumes})
	return wrap(engine.OpContainerRemove, err)
}

// ContainerList lists containers matching f (running ones only unless f.All).
func (e *Engine) ContainerList(ctx context.Context, f engine.ListFilter) ([]engine.ContainerSummary, error) {
	res, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: f.All, Filters: listFilters(engine.ListFilter{Labels: f.Labels, Name: f.Name})})
	if err != nil {
		return nil, wrap(engine.OpContainerList, err)
	}
	out := make([]engine.ContainerSummary, 0, len(res.Items))
	for _, c := range res.Items {
		name := ""
		for _, n := range c.Names { // legacy links add "/other/alias" names
			if n = strings.TrimPrefix(n, "/"); !strings.Contains(n, "/") {
				name = n
				break
			}
		}
		out = append(out, engine.ContainerSummary{
			ID: c.ID, Name: name, Image: c.Image, State: string(c.State), Status: c.Status,
			Created: time.Unix(c.Created, 0), Labels: c.Labels,
		})
	}
	return out, nil
}
