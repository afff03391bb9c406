package docker

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/moby/moby/api/types/network"

	"github.com/berth-dev/berth/internal/engine"
)

// sdkIPAM converts and checks a network's IPAM settings: subnets and IP
// ranges are CIDR prefixes, gateways and auxiliary addresses addresses.
// nil gives nil (the daemon chooses).
func sdkIPAM(in *engine.IPAM) (*network.IPAM, error) {
	if in == nil {
		return nil, nil
	}
	out := &network.IPAM{Driver: in.Driver, Options: maps.Clone(in.Options)}
	for i, p := range in.Config {
		var c network.IPAMConfig
		var err error
		if c.Subnet, err = optPrefix(p.Subnet); err != nil {
			return nil, fmt.Errorf("ipam pool %d: subnet: %w", i, err)
		}
		if c.IPRange, err = optPrefix(p.IPRange); err != nil {
			return nil, fmt.Errorf("ipam pool %d: ip_range: %w", i, err)
		}
		if c.Gateway, err = optAddr(p.Gateway); err != nil {
			return nil, fmt.Errorf("ipam pool %d: gateway: %w", i, err)
		}
		for _, name := range slices.Sorted(maps.Keys(p.AuxAddresses)) {
			a, err := netip.ParseAddr(p.AuxAddresses[name])
			if err != nil {
				return nil, fmt.Errorf("ipam pool %d: aux_addresses %s: %w", i, name, err)
			}
			if c.AuxAddress == nil {
				c.AuxAddress = map[string]netip.Addr{}
			}
			c.AuxAddress[name] = a
		}
		out.Config = append(out.Config, c)
	}
	return out, nil
}

func optPrefix(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	return netip.ParsePrefix(s)
}

func optAddr(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	return netip.ParseAddr(s)
}

// ipamFrom converts the daemon's view of a network's IPAM.
func ipamFrom(in network.IPAM) *engine.IPAM {
	out := &engine.IPAM{Driver: in.Driver, Options: in.Options}
	for _, c := range in.Config {
		p := engine.IPAMPool{}
		if c.Subnet.IsValid() {
			p.Subnet = c.Subnet.String()
		}
		if c.IPRange.IsValid() {
			p.IPRange = c.IPRange.String()
		}
		if c.Gateway.IsValid() {
			p.Gateway = c.Gateway.String()
		}
		for name, a := range c.AuxAddress {
			if p.AuxAddresses == nil {
				p.AuxAddresses = map[string]string{}
			}
			p.AuxAddresses[name] = a.String()
		}
		out.Config = append(out.Config, p)
	}
	return out
}

// legacyIPAM is the IPAM section of POST /networks/create before API 1.44.
type legacyIPAM struct {
	Driver  string            `json:",omitempty"`
	Config  []legacyIPAMPool  `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

type legacyIPAMPool struct {
	Subnet             string            `json:",omitempty"`
	IPRange            string            `json:",omitempty"`
	Gateway            string            `json:",omitempty"`
	AuxiliaryAddresses map[string]string `json:",omitempty"`
}

// legacyIPAMOf is the request form of checked IPAM settings.
func legacyIPAMOf(in *network.IPAM) *legacyIPAM {
	if in == nil {
		return nil
	}
	out := &legacyIPAM{Driver: in.Driver, Options: in.Options}
	for _, c := range in.Config {
		p := legacyIPAMPool{}
		if c.Subnet.IsValid() {
			p.Subnet = c.Subnet.String()
		}
		if c.IPRange.IsValid() {
			p.IPRange = c.IPRange.String()
		}
		if c.Gateway.IsValid() {
			p.Gateway = c.Gateway.String()
		}
		for name, a := range c.AuxAddress {
			if p.AuxiliaryAddresses == nil {
				p.AuxiliaryAddresses = map[string]string{}
			}
			p.AuxiliaryAddresses[name] = a.String()
		}
		out.Config = append(out.Config, p)
	}
	return out
}
