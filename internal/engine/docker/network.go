package docker

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/berth-dev/berth/internal/engine"
)

// apiAlwaysCheckDuplicate is the first API version whose daemon refuses a
// duplicate network name by itself.
const apiAlwaysCheckDuplicate = "1.44"

// NetworkCreate creates a network and returns its ID, with the IPAM
// settings of spec (checked first: a malformed subnet or address is an
// [engine.ErrInvalid] error before any Docker call). With
// spec.CheckDuplicate the daemon refuses a name already in use with an
// [engine.ErrConflict] error: always so from API 1.44; on older daemons the
// SDK no longer sends the CheckDuplicate field, so this engine sends that
// request itself (see legacyNetworkCreate). The check is the daemon's and
// remains best effort on old daemons under concurrent creates.
func (e *Engine) NetworkCreate(ctx context.Context, spec engine.NetworkSpec) (string, error) {
	const op = engine.OpNetworkCreate
	ipam, err := sdkIPAM(spec.IPAM)
	if err != nil {
		return "", engine.Wrap(op, engine.ErrInvalid, fmt.Errorf("create network %q: %w", spec.Name, err))
	}
	if spec.CheckDuplicate {
		v, err := e.apiVersion(ctx)
		if err != nil {
			return "", wrap(op, err)
		}
		if versions.LessThan(v, apiAlwaysCheckDuplicate) {
			id, err := e.legacyNetworkCreate(ctx, v, spec, legacyIPAMOf(ipam))
			return id, wrap(op, err)
		}
	}
	res, err := e.cli.NetworkCreate(ctx, spec.Name, client.NetworkCreateOptions{
		Driver: spec.Driver, Internal: spec.Internal, Labels: spec.Labels, IPAM: ipam,
	})
	if err != nil {
		return "", wrap(op, err)
	}
	return res.ID, nil
}

// NetworkInspect returns one network, by ID or name, with the IDs of the
// containers attached to it (sorted).
func (e *Engine) NetworkInspect(ctx context.Context, id string) (engine.Network, error) {
	res, err := e.cli.NetworkInspect(ctx, id, client.NetworkInspectOptions{})
	if err != nil {
		return engine.Network{}, wrap(engine.OpNetworkInspect, err)
	}
	n := networkFrom(res.Network.Network)
	n.Containers = slices.Sorted(maps.Keys(res.Network.Containers))
	return n, nil
}

// NetworkList lists networks matching f's labels and name (substring match,
// as the daemon does). Containers is not filled.
func (e *Engine) NetworkList(ctx context.Context, f engine.ListFilter) ([]engine.Network, error) {
	res, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: listFilters(engine.ListFilter{Labels: f.Labels, Name: f.Name})})
	if err != nil {
		return nil, wrap(engine.OpNetworkList, err)
	}
	out := make([]engine.Network, 0, len(res.Items))
	for _, n := range res.Items {
		out = append(out, networkFrom(n.Network))
	}
	return out, nil
}

func networkFrom(n network.Network) engine.Network {
	return engine.Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Created: n.Created, Labels: n.Labels, IPAM: ipamFrom(n.IPAM)}
}

// NetworkDisconnect detaches a container from a network. It never forces.
func (e *Engine) NetworkDisconnect(ctx context.Context, netw, ctr string) error {
	_, err := e.cli.NetworkDisconnect(ctx, netw, client.NetworkDisconnectOptions{Container: ctr})
	return wrap(engine.OpNetworkDisconnect, err)
}

// NetworkRemove removes a network. The daemon refuses one with attached
// containers (an [engine.ErrConflict] error on current daemons).
func (e *Engine) NetworkRemove(ctx context.Context, id string) error {
	_, err := e.cli.NetworkRemove(ctx, id, client.NetworkRemoveOptions{})
	return wrap(engine.OpNetworkRemove, err)
}
