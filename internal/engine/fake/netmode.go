package fake

import (
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// setNetworkingLocked records a new container's networking: a network
// mode, or its endpoint specs (see [Engine.resolveEndpointsLocked]). As the
// daemon does, a "container:<name>" mode naming an existing container is
// stored with that container's full ID; one naming no container is kept
// as it is and fails the start.
func (e *Engine) setNetworkingLocked(op engine.Op, c *container, spec engine.ContainerSpec) error {
	mode := spec.NetworkMode
	if mode != "" && len(spec.Networks) > 0 {
		return errorf(op, engine.ErrInvalid, "conflicting options: network mode %s and networks", mode)
	}
	ref, isContainer := strings.CutPrefix(mode, "container:")
	switch {
	case mode == "":
		e.resolveEndpointsLocked(c, spec.Networks)
		c.netMode = "default"
		if len(spec.Networks) > 0 {
			c.netMode = spec.Networks[0].Network
		}
	case mode == "none", mode == "host":
		e.resolveEndpointsLocked(c, []engine.EndpointSpec{{Network: mode}})
		c.netMode = mode
	case isContainer && ref != "":
		c.nets, c.pending = map[string][]string{}, map[string][]string{}
		c.netMode = mode
		if t, err := e.findContainerLocked(op, ref); err == nil {
			c.netMode = "container:" + t.id
		}
	default:
		return errorf(op, engine.ErrInvalid, "invalid network mode %q", mode)
	}
	c.ips = map[string]string{}
	for _, ep := range spec.Networks {
		if ep.IPv4Address != "" {
			c.ips[ep.Network] = ep.IPv4Address
		}
	}
	return nil
}

// joinLocked checks, before a start, what the container's networking
// needs: the container whose namespace it joins exists (ErrNotFound) and
// runs (ErrConflict); a fixed address fits its network.
func (e *Engine) joinLocked(op engine.Op, c *container) error {
	if ref, ok := strings.CutPrefix(c.netMode, "container:"); ok {
		t, err := e.findContainerLocked(op, ref)
		if err != nil {
			return errorf(op, engine.ErrNotFound, "No such container: %s", ref)
		}
		if !t.state.Running {
			return errorf(op, engine.ErrConflict, "cannot join network of a non running container: %s", t.id)
		}
	}
	for ref, addr := range c.ips {
		n, err := e.findNetworkLocked(op, ref)
		if err != nil {
			return err
		}
		if err := checkAddressLocked(op, n, addr); err != nil {
			return err
		}
	}
	return nil
}
