package compose

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/berth-dev/berth/internal/engine"
)

// validName is what the daemon accepts as a container name, and so as a
// container_name berth turns into an alias.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

const (
	whyModeContainer = "not supported by berth: it joins a container berth does not own, which on a shared daemon may be any runner's (use service:NAME for a service of this project)"
	whyModeOther     = "not supported by berth: berth puts services on the environment's own networks (remove it and use networks:, or use none, host or service:NAME)"
)

// networkMode checks network_mode: "none", "host" and "service:NAME" are
// supported (the reference is checked with the other references, in
// checkNetworkModes). A mode excludes networks, and the settings the
// daemon refuses with it.
func networkMode(s types.ServiceConfig, locs *locations) (string, error) {
	key := "services." + s.Name
	m := s.NetworkMode
	target, isService := strings.CutPrefix(m, types.NetworkModeServicePrefix)
	switch {
	case m == "":
		return "", nil
	case m == "none", m == "host":
	case isService && target != "":
	case strings.HasPrefix(m, "container:"):
		return "", locs.errorf(key+".network_mode", "%q: %s", m, whyModeContainer)
	default:
		return "", locs.errorf(key+".network_mode", "%q: %s", m, whyModeOther)
	}
	if len(s.Networks) > 0 {
		return "", locs.errorf(key+".networks", "network_mode %s and networks: a service joins networks or uses a network mode, not both (remove one)", m)
	}
	if len(s.Ports) > 0 {
		why := map[string]string{"none": "it has no network", "host": "it listens on the host's own ports"}[m]
		if isService {
			why = "it shares the network of service " + strconv.Quote(target) + ": publish the ports there"
		}
		return "", locs.errorf(key+".ports", "ports do not apply with network_mode %s: %s", m, why)
	}
	if isService {
		for k, set := range map[string]bool{"expose": len(s.Expose) > 0, "hostname": s.Hostname != "", "extra_hosts": len(s.ExtraHosts) > 0} {
			if set {
				return "", locs.errorf(key+"."+k, "not allowed with network_mode %s: the service shares the network, host name and hosts file of service %q (set it there)", m, target)
			}
		}
	}
	return m, nil
}

// checkNetworkModes checks every network_mode service:NAME reference:
// NAME is an enabled service other than the service itself.
func checkNetworkModes(cp *types.Project, p *Project, locs *locations) error {
	for _, s := range p.Services {
		target, ok := strings.CutPrefix(s.NetworkMode, types.NetworkModeServicePrefix)
		if !ok {
			continue
		}
		key := "services." + s.Name + ".network_mode"
		if _, on := cp.Services[target]; on && target != s.Name {
			continue
		}
		if _, off := cp.DisabledServices[target]; off {
			return locs.errorf(key, "service %q shares the network of service %q, which the active profiles leave out (enable its profile)", s.Name, target)
		}
		if target == s.Name {
			return locs.errorf(key, "service %q cannot share its own network", s.Name)
		}
		return locs.errorf(key, "service %q shares the network of service %q, which is not defined", s.Name, target)
	}
	return nil
}

// serviceNetworks maps a service's networks with their aliases and fixed
// addresses. A service with a network mode has none; one that lists none
// joins "default".
func serviceNetworks(s types.ServiceConfig, mode string, locs *locations) ([]ServiceNetwork, error) {
	if mode != "" {
		return nil, nil
	}
	out := make([]ServiceNetwork, 0, len(s.Networks))
	for _, n := range sortedKeys(s.Networks) {
		sn := ServiceNetwork{Name: n}
		if c := s.Networks[n]; c != nil {
			if len(c.Aliases) > 0 {
				sn.Aliases = slices.Clone(c.Aliases)
			}
			if a := c.Ipv4Address; a != "" {
				ip, err := netip.ParseAddr(a)
				if err != nil || !ip.Is4() {
					return nil, locs.errorf("services."+s.Name+".networks."+n+".ipv4_address", "%q is not an IPv4 address", a)
				}
				sn.IPv4Address = ip.String()
			}
		}
		out = append(out, sn)
	}
	if len(out) == 0 {
		out = append(out, ServiceNetwork{Name: "default"})
	}
	return out, nil
}

// networkIPAM maps and checks a network's ipam section: subnets and IP
// ranges are CIDR prefixes, gateways and auxiliary addresses addresses.
func networkIPAM(name string, c types.IPAMConfig, locs *locations) (*engine.IPAM, error) {
	if c.Driver == "" && len(c.Config) == 0 && len(c.Options) == 0 {
		return nil, nil
	}
	out := &engine.IPAM{Driver: c.Driver, Options: maps.Clone(map[string]string(c.Options))}
	for i, pool := range c.Config {
		if pool == nil {
			continue
		}
		key := fmt.Sprintf("networks.%s.ipam.config[%d]", name, i)
		p := engine.IPAMPool{Subnet: pool.Subnet, IPRange: pool.IPRange, Gateway: pool.Gateway}
		for k, v := range map[string]string{"subnet": p.Subnet, "ip_range": p.IPRange} {
			if _, err := netip.ParsePrefix(v); v != "" && err != nil {
				return nil, locs.errorf(key+"."+k, "%q is not a CIDR prefix (e.g. 172.28.0.0/16)", v)
			}
		}
		if _, err := netip.ParseAddr(p.Gateway); p.Gateway != "" && err != nil {
			return nil, locs.errorf(key+".gateway", "%q is not an IP address", p.Gateway)
		}
		for _, host := range sortedKeys(pool.AuxiliaryAddresses) {
			a := pool.AuxiliaryAddresses[host]
			if _, err := netip.ParseAddr(a); err != nil {
				return nil, locs.errorf(key+".aux_addresses."+host, "%q is not an IP address", a)
			}
			if p.AuxAddresses == nil {
				p.AuxAddresses = map[string]string{}
			}
			p.AuxAddresses[host] = a
		}
		out.Config = append(out.Config, p)
	}
	return out, nil
}

// checkAddresses refuses a fixed address on a network without an IPAM
// subnet that holds it: the daemon hands out fixed addresses only from
// configured subnets.
func checkAddresses(p *Project, locs *locations) error {
	subnets := map[string][]netip.Prefix{}
	for _, n := range p.Networks {
		if n.IPAM == nil {
			continue
		}
		for _, pool := range n.IPAM.Config {
			if pfx, err := netip.ParsePrefix(pool.Subnet); err == nil {
				subnets[n.Name] = append(subnets[n.Name], pfx)
			}
		}
	}
	for _, s := range p.Services {
		for _, sn := range s.Networks {
			if sn.IPv4Address == "" {
				continue
			}
			ip := netip.MustParseAddr(sn.IPv4Address)
			if !slices.ContainsFunc(subnets[sn.Name], func(p netip.Prefix) bool { return p.Contains(ip) }) {
				return locs.errorf("services."+s.Name+".networks."+sn.Name+".ipv4_address",
					"%s is in no subnet of network %q: a fixed address needs networks.%s.ipam.config with a subnet that holds it", ip, sn.Name, sn.Name)
			}
		}
	}
	return nil
}

// containerNames checks container_name (a name the daemon accepts, used
// by one service only) and notes what berth makes of it: an alias.
func containerNames(p *Project, locs *locations) error {
	seen := map[string]string{}
	for _, s := range p.Services {
		n := s.ContainerName
		if n == "" {
			continue
		}
		key := "services." + s.Name + ".container_name"
		if !validName.MatchString(n) {
			return locs.errorf(key, "invalid name %q (use letters, digits, '_', '.' and '-', starting with a letter or digit)", n)
		}
		if other, dup := seen[n]; dup {
			return locs.errorf(key, "%q is also the container_name of service %q", n, other)
		}
		seen[n] = s.Name
		if s.NetworkMode != "" {
			p.Notes = append(p.Notes, fmt.Sprintf("%s %q: berth names containers per environment, and with network_mode %s the service has no network of its own, so the name resolves nowhere",
				key, n, s.NetworkMode))
			continue
		}
		if n == s.Name {
			p.Notes = append(p.Notes, fmt.Sprintf("%s %q: berth names containers per environment; %q is the service's name, which resolves as a host name on its networks already",
				key, n, n))
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%s %q: berth names containers per environment; %q is a network alias of service %q instead, so it still resolves as a host name on the service's networks",
			key, n, n, s.Name))
	}
	return nil
}
