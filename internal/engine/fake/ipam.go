package fake

import (
	"fmt"
	"maps"
	"net/netip"

	"github.com/berth-dev/berth/internal/engine"
)

// ipam is a network's address management as the fake keeps it: the
// settings reported by inspect, and the parsed subnets.
type ipam struct {
	view    engine.IPAM
	subnets []netip.Prefix
	fixed   bool // the creator configured the subnets (fixed addresses allowed)
}

// ipamLocked checks spec's IPAM settings as the daemon does (malformed
// values are ErrInvalid; a subnet overlapping another network's is
// ErrInvalid, the daemon's "Pool overlaps") and returns the new network's:
// the pools asked for, or a /24 the fake chooses from 10.255.0.0/16.
func (e *Engine) ipamLocked(op engine.Op, spec engine.NetworkSpec) (ipam, error) {
	out := ipam{view: engine.IPAM{Driver: "default", Options: map[string]string{}}}
	if in := spec.IPAM; in != nil {
		if in.Driver != "" {
			out.view.Driver = in.Driver
		}
		if in.Options != nil {
			out.view.Options = maps.Clone(in.Options)
		}
		for _, p := range in.Config {
			if err := checkPool(p); err != nil {
				return ipam{}, errorf(op, engine.ErrInvalid, "%v", err)
			}
			if p.Subnet != "" {
				sub := netip.MustParsePrefix(p.Subnet).Masked()
				if e.overlapsLocked(sub) {
					return ipam{}, errorf(op, engine.ErrInvalid, "Pool overlaps with other one on this address space")
				}
				out.subnets = append(out.subnets, sub)
				out.fixed = true
			}
			p.AuxAddresses = maps.Clone(p.AuxAddresses)
			out.view.Config = append(out.view.Config, p)
		}
	}
	if len(out.subnets) > 0 {
		return out, nil
	}
	for i := range 256 {
		sub := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 255, byte(i), 0}), 24)
		if !e.overlapsLocked(sub) {
			out.subnets = []netip.Prefix{sub}
			out.view.Config = []engine.IPAMPool{{Subnet: sub.String(), Gateway: sub.Addr().Next().String()}}
			return out, nil
		}
	}
	return ipam{}, errorf(op, engine.ErrInvalid, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

// checkPool parses one pool's prefixes and addresses.
func checkPool(p engine.IPAMPool) error {
	for what, s := range map[string]string{"subnet": p.Subnet, "ip range": p.IPRange} {
		if _, err := netip.ParsePrefix(s); s != "" && err != nil {
			return fmt.Errorf("invalid %s %s: %w", what, s, err)
		}
	}
	if _, err := netip.ParseAddr(p.Gateway); p.Gateway != "" && err != nil {
		return fmt.Errorf("invalid gateway %s: %w", p.Gateway, err)
	}
	for name, a := range p.AuxAddresses {
		if _, err := netip.ParseAddr(a); err != nil {
			return fmt.Errorf("invalid auxiliary address %s=%s: %w", name, a, err)
		}
	}
	return nil
}

// overlapsLocked reports whether sub overlaps a subnet of an existing network.
func (e *Engine) overlapsLocked(sub netip.Prefix) bool {
	for _, n := range e.networks {
		for _, s := range n.ipam.subnets {
			if s.Overlaps(sub) {
				return true
			}
		}
	}
	return false
}

// checkAddressLocked checks a fixed address on network n at start, as the
// daemon does: only on a network with configured subnets, inside one.
func checkAddressLocked(op engine.Op, n *network, addr string) error {
	if !n.ipam.fixed {
		return errorf(op, engine.ErrInvalid, "user specified IP address is supported only when connecting to networks with user configured subnets")
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return errorf(op, engine.ErrInvalid, "invalid IPv4 address %s", addr)
	}
	for _, s := range n.ipam.subnets {
		if s.Contains(a) {
			return nil
		}
	}
	return errorf(op, engine.ErrInvalid, "no configured subnet or ip-range contain the IP address %s", addr)
}

// cloneIPAM copies an IPAM view.
func cloneIPAM(in engine.IPAM) *engine.IPAM {
	out := in
	out.Options = maps.Clone(in.Options)
	out.Config = nil
	for _, p := range in.Config {
		p.AuxAddresses = maps.Clone(p.AuxAddresses)
		out.Config = append(out.Config, p)
	}
	return &out
}
