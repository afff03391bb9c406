package fake

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// network is one network; guarded by Engine.mu. Its endpoints are the
// running containers whose nets include it.
type network struct {
	id, name string
	driver   string
	internal bool
	labels   map[string]string
	created  time.Time
	builtin  bool // "bridge", "host", "none": cannot be removed
	ipam     ipam
}

// endpointsLocked returns the IDs of the running containers attached to n.
func (e *Engine) endpointsLocked(n *network) []string {
	var ids []string
	for _, c := range e.containers {
		if _, ok := c.nets[n.id]; ok && c.state.Running {
			ids = append(ids, c.id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (e *Engine) netViewLocked(n *network, withEndpoints bool) engine.Network {
	v := engine.Network{ID: n.id, Name: n.name, Driver: n.driver, Created: n.created, Labels: maps.Clone(n.labels),
		IPAM: cloneIPAM(n.ipam.view)}
	if withEndpoints {
		v.Containers = e.endpointsLocked(n)
	}
	return v
}

// findNetworkLocked resolves ref as a full ID, then an exact name, then a
// unique ID prefix, as the daemon does. A name two networks share is
// ErrTransient with the daemon's "is ambiguous" message.
func (e *Engine) findNetworkLocked(op engine.Op, ref string) (*network, error) {
	if n, ok := e.networks[ref]; ok {
		return n, nil
	}
	var named, prefixed []*network
	for _, n := range e.networks {
		if n.name == ref {
			named = append(named, n)
		}
		if ref != "" && strings.HasPrefix(n.id, ref) {
			prefixed = append(prefixed, n)
		}
	}
	switch {
	case len(named) == 1:
		return named[0], nil
	case len(named) > 1:
		return nil, errorf(op, engine.ErrTransient, "network %s is ambiguous (%d matches found on name)", ref, len(named))
	case len(prefixed) == 1:
		return prefixed[0], nil
	case len(prefixed) > 1:
		return nil, errorf(op, engine.ErrTransient, "network %s is ambiguous (%d matches found based on ID prefix)", ref, len(prefixed))
	}
	return nil, errorf(op, engine.ErrNotFound, "network %s not found", ref)
}

// resolveEndpointsLocked records a new container's endpoint specs (no spec
// means the default "bridge"). Networks found now are keyed by ID in
// c.nets; the others wait in c.pending, since Docker 20.10 resolves them
// only at start. On a user-defined network the daemon adds the short
// container ID as an alias.
func (e *Engine) resolveEndpointsLocked(c *container, eps []engine.EndpointSpec) {
	if len(eps) == 0 {
		eps = []engine.EndpointSpec{{Network: "bridge"}}
	}
	c.nets, c.pending = map[string][]string{}, map[string][]string{}
	for _, ep := range eps {
		if n, err := e.findNetworkLocked(engine.OpContainerCreate, ep.Network); err == nil {
			c.nets[n.id] = endpointAliases(n, c.id, ep.Aliases)
		} else {
			c.pending[ep.Network] = slices.Clone(ep.Aliases)
		}
	}
}

// attachPendingLocked resolves c's pending networks before a start; it
// changes nothing unless all resolve. Attached networks removed since
// are ErrNotFound.
func (e *Engine) attachPendingLocked(op engine.Op, c *container) error {
	for nid := range c.nets {
		if _, ok := e.networks[nid]; !ok {
			return errorf(op, engine.ErrNotFound, "network %s not found", nid)
		}
	}
	found := map[*network][]string{}
	for ref, aliases := range c.pending {
		n, err := e.findNetworkLocked(op, ref)
		if err != nil {
			return err
		}
		found[n] = aliases
	}
	for n, aliases := range found {
		c.nets[n.id] = endpointAliases(n, c.id, aliases)
	}
	clear(c.pending)
	return nil
}

func endpointAliases(n *network, id string, aliases []string) []string {
	out := slices.Clone(aliases)
	if !n.builtin {
		out = append(out, id[:12])
	}
	return out
}

// emitNetworkLocked publishes a network event with the daemon's attributes
// (name, type, and container for connect/disconnect).
func (e *Engine) emitNetworkLocked(n *network, action, containerID string) {
	attrs := map[string]string{"name": n.name, "type": n.driver}
	if containerID != "" {
		attrs["container"] = containerID
	}
	e.emit("network", action, n.id, attrs)
}
