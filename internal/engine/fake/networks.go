package fake

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// NetworkCreate creates a network. A second network of an existing name is
// created too (the daemon allows it) unless spec.CheckDuplicate, which
// refuses it with ErrConflict. Its subnets are spec.IPAM's (malformed or
// overlapping another network's: ErrInvalid) or one the fake chooses.
func (e *Engine) NetworkCreate(ctx context.Context, spec engine.NetworkSpec) (string, error) {
	const op = engine.OpNetworkCreate
	if err := e.begin(ctx, op); err != nil {
		return "", err
	}
	if spec.Name == "" {
		return "", errorf(op, engine.ErrInvalid, "network name is required")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, n := range e.networks {
		if n.name == spec.Name && (spec.CheckDuplicate || n.builtin) {
			return "", errorf(op, engine.ErrConflict, "network with name %s already exists", spec.Name)
		}
	}
	addrs, err := e.ipamLocked(op, spec)
	if err != nil {
		return "", err
	}
	n := &network{
		id: newHexID(), name: spec.Name, driver: firstNonEmpty(spec.Driver, "bridge"),
		internal: spec.Internal, labels: mergeLabels(nil, spec.Labels), created: e.now(), ipam: addrs,
	}
	e.networks[n.id] = n
	e.emitNetworkLocked(n, "create", "")
	return n.id, nil
}

// NetworkInspect returns a network found by ID, name or ID prefix, with the
// IDs of its running containers.
func (e *Engine) NetworkInspect(ctx context.Context, id string) (engine.Network, error) {
	if err := e.begin(ctx, engine.OpNetworkInspect); err != nil {
		return engine.Network{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.findNetworkLocked(engine.OpNetworkInspect, id)
	if err != nil {
		return engine.Network{}, err
	}
	return e.netViewLocked(n, true), nil
}

// NetworkList lists networks matching f's labels and name substring,
// sorted by name; Containers is left empty, as the daemon's list does.
func (e *Engine) NetworkList(ctx context.Context, f engine.ListFilter) ([]engine.Network, error) {
	if err := e.begin(ctx, engine.OpNetworkList); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []engine.Network
	for _, n := range e.networks {
		if matchLabels(n.labels, f.Labels) && strings.Contains(n.name, f.Name) {
			out = append(out, e.netViewLocked(n, false))
		}
	}
	slices.SortFunc(out, func(a, b engine.Network) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	return out, nil
}

// NetworkDisconnect detaches a container; not attached is ErrConflict.
func (e *Engine) NetworkDisconnect(ctx context.Context, netRef, ctrRef string) error {
	const op = engine.OpNetworkDisconnect
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, c, err := e.findPairLocked(op, netRef, ctrRef)
	if err != nil {
		return err
	}
	if _, ok := c.nets[n.id]; !ok {
		return errorf(op, engine.ErrConflict, "container %s is not connected to network %s", c.id, n.name)
	}
	delete(c.nets, n.id)
	if c.state.Running {
		e.emitNetworkLocked(n, "disconnect", c.id)
	}
	return nil
}

// NetworkRemove removes a network without endpoints; one with running
// containers attached is ErrConflict, a predefined one ErrInvalid.
func (e *Engine) NetworkRemove(ctx context.Context, id string) error {
	const op = engine.OpNetworkRemove
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.findNetworkLocked(op, id)
	if err != nil {
		return err
	}
	if n.builtin {
		return errorf(op, engine.ErrInvalid, "%s is a pre-defined network and cannot be removed", n.name)
	}
	if len(e.endpointsLocked(n)) > 0 {
		return errorf(op, engine.ErrConflict, "error while removing network: network %s id %s has active endpoints", n.name, n.id)
	}
	delete(e.networks, n.id)
	e.emitNetworkLocked(n, "destroy", "")
	return nil
}

func (e *Engine) findPairLocked(op engine.Op, netRef, ctrRef string) (*network, *container, error) {
	n, err := e.findNetworkLocked(op, netRef)
	if err != nil {
		return nil, nil, err
	}
	c, err := e.findContainerLocked(op, ctrRef)
	if err != nil {
		return nil, nil, err
	}
	return n, c, nil
}
