package fake

import (
	"strconv"

	"github.com/berth-dev/berth/internal/engine"
)

// The daemon's ephemeral host port range (Linux's default local range).
const (
	firstEphemeralPort = 32768
	lastEphemeralPort  = 60999
)

type portKey struct {
	ip    string
	port  int
	proto string
}

// bindPortsLocked binds c's published ports on the host. HostPort "" or
// "0" gets the next free ephemeral port; a fixed port already bound on the
// same address (or the wildcard) is refused with ErrConflict and nothing is
// bound.
func (e *Engine) bindPortsLocked(op engine.Op, c *container) ([]engine.PublishedPort, error) {
	var out []engine.PublishedPort
	taken := map[portKey]bool{}
	busy := func(k portKey) bool {
		for _, ip := range []string{k.ip, "0.0.0.0"} {
			if taken[portKey{ip, k.port, k.proto}] || e.ports[portKey{ip, k.port, k.proto}] != "" {
				return true
			}
		}
		if k.ip != "0.0.0.0" {
			return false
		}
		for b := range e.ports {
			if b.port == k.port && b.proto == k.proto {
				return true
			}
		}
		return false
	}
	for _, p := range c.spec.Ports {
		k := portKey{ip: firstNonEmpty(p.HostIP, "0.0.0.0"), proto: firstNonEmpty(p.Protocol, "tcp")}
		if p.HostPort == "" || p.HostPort == "0" {
			if k.port = e.nextFreePortLocked(busy, k); k.port == 0 {
				return nil, errorf(op, engine.ErrConflict, "all ports are allocated")
			}
		} else {
			n, err := strconv.Atoi(p.HostPort)
			if err != nil || n < 1 || n > 65535 {
				return nil, errorf(op, engine.ErrInvalid, "invalid host port %q", p.HostPort)
			}
			k.port = n
			if busy(k) {
				return nil, errorf(op, engine.ErrConflict,
					"driver failed programming external connectivity on endpoint %s (%s): Bind for %s:%d failed: port is already allocated",
					c.name, c.id, k.ip, n)
			}
		}
		taken[k] = true
		out = append(out, engine.PublishedPort{ContainerPort: p.ContainerPort, Protocol: k.proto, HostIP: k.ip, HostPort: k.port})
	}
	for k := range taken {
		e.ports[k] = c.id
	}
	return out, nil
}

// nextFreePortLocked returns the next ephemeral port not busy for k,
// cycling through the range; 0 when the range is exhausted.
func (e *Engine) nextFreePortLocked(busy func(portKey) bool, k portKey) int {
	for range lastEphemeralPort - firstEphemeralPort + 1 {
		p := e.nextPort
		e.nextPort++
		if e.nextPort > lastEphemeralPort {
			e.nextPort = firstEphemeralPort
		}
		if !busy(portKey{k.ip, p, k.proto}) {
			return p
		}
	}
	return 0
}

// releasePortsLocked unbinds c's host ports.
func (e *Engine) releasePortsLocked(c *container) {
	for k, id := range e.ports {
		if id == c.id {
			delete(e.ports, k)
		}
	}
	c.ports = nil
}
