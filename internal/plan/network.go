package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
)

// networkIPAM is network n's IPAM in environment id. A shared environment
// has the compose file's; a dedicated copy cannot have its fixed pools
// (two copies would ask for the same subnet, and the daemon refuses
// overlapping ones), so it keeps the driver and options, lets the daemon
// choose the subnet, and note says so.
func networkIPAM(id Identity, n compose.Network) (ipam *engine.IPAM, note string) {
	if n.IPAM == nil {
		return nil, ""
	}
	c := &engine.IPAM{Driver: n.IPAM.Driver, Options: maps.Clone(n.IPAM.Options)}
	if id.Mode != ModeDedicated {
		for _, p := range n.IPAM.Config {
			p.AuxAddresses = maps.Clone(p.AuxAddresses)
			c.Config = append(c.Config, p)
		}
		return c, ""
	}
	if len(n.IPAM.Config) == 0 {
		return c, ""
	}
	var subnets []string
	for _, p := range n.IPAM.Config {
		subnets = append(subnets, firstNonEmpty(p.Subnet, p.IPRange, p.Gateway))
	}
	return c, fmt.Sprintf("network %q: a dedicated copy does not use the fixed address pool %s of the compose file (copies would collide); the daemon chooses its subnet",
		n.Name, strings.Join(subnets, ", "))
}

// hostNotes says, for a shared environment, that services on the host's
// network share its ports with every other environment doing the same.
func hostNotes(id Identity, p *compose.Project) []string {
	if id.Mode == ModeDedicated {
		return nil
	}
	var names []string
	for _, s := range p.Services {
		if s.NetworkMode == "host" {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("services %s use the host's network (network_mode: host): another environment doing the same (an older configuration of this project that still lingers, another project) shares the host's ports and may collide with them",
		strings.Join(names, ", "))}
}

// networkMode is the engine network mode of service s: "service:NAME"
// joins NAME's container in this environment; "host" is refused for a
// dedicated copy, whose every copy would listen on the same host ports.
func (r resolver) networkMode(s compose.Service) (string, error) {
	m := s.NetworkMode
	if target, ok := strings.CutPrefix(m, "service:"); ok {
		return "container:" + ContainerName(r.id.EnvID, target), nil
	}
	if m == "host" && r.id.Mode == ModeDedicated {
		return "", fmt.Errorf("network_mode host: a dedicated copy cannot use the host's network, every copy would listen on the same host ports (run it shared, or give the service ports)")
	}
	return m, nil
}

// aliases are the names a service answers to on each of its networks:
// its name, its container_name (berth names the container itself), then
// the compose file's aliases.
func aliases(s compose.Service, n compose.ServiceNetwork) []string {
	out := []string{s.Name}
	for _, a := range append([]string{s.ContainerName}, n.Aliases...) {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
