package compose

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/berth-dev/berth/internal/engine"
)

// ports maps published ports. Short syntax ranges ("8000-8002:8000-8002")
// arrive expanded by compose-go, one binding per port. A host range for a
// single container port ("8000-8002:80", "pick any") is refused: berth
// needs to know the host port, or leave it ephemeral.
func ports(s types.ServiceConfig, locs *locations) ([]engine.PortBinding, error) {
	key := "services." + s.Name + ".ports"
	var out []engine.PortBinding
	for _, p := range s.Ports {
		if strings.Contains(p.Published, "-") {
			return nil, locs.errorf(key, "host port range %s for container port %d: not supported by berth (publish one host port per container port, or none for an ephemeral port)", p.Published, p.Target)
		}
		proto := p.Protocol
		switch proto {
		case "":
			proto = "tcp"
		case "tcp", "udp":
		default:
			return nil, locs.errorf(key, "protocol %q: not supported by berth (tcp or udp)", proto)
		}
		if p.Target == 0 {
			return nil, locs.errorf(key, "port without a container port")
		}
		out = append(out, engine.PortBinding{
			ContainerPort: int(p.Target),
			Protocol:      proto,
			HostIP:        p.HostIP,
			HostPort:      p.Published,
		})
	}
	return out, nil
}

// expose maps exposed ports ("80", "80/tcp", "8000-8002"); udp is refused
// because the engine's Expose list is tcp.
func expose(s types.ServiceConfig, locs *locations) ([]int, error) {
	key := "services." + s.Name + ".expose"
	var out []int
	for _, e := range s.Expose {
		spec, proto, _ := strings.Cut(e, "/")
		if proto != "" && proto != "tcp" {
			return nil, locs.errorf(key, "%q: only tcp ports can be exposed by berth", e)
		}
		lo, hi, isRange := strings.Cut(spec, "-")
		first, err1 := strconv.Atoi(lo)
		last, err2 := first, error(nil)
		if isRange {
			last, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || first < 1 || last > 65535 || last < first {
			return nil, locs.errorf(key, "invalid port %q", e)
		}
		for p := first; p <= last; p++ {
			out = append(out, p)
		}
	}
	return out, nil
}

// mounts maps volumes: named (Source = the project volume key), anonymous
// (Source ""), bind (absolute host path) and tmpfs. Options berth cannot
// pass on (SELinux relabel, propagation, nocopy, consistency) are refused.
func mounts(s types.ServiceConfig, locs *locations) ([]engine.Mount, error) {
	key := "services." + s.Name + ".volumes"
	var out []engine.Mount
	for _, v := range s.Volumes {
		if msg := unsupportedVolumeOption(v); msg != "" {
			return nil, locs.errorf(key, "%s: %s: not supported by berth", v.Target, msg)
		}
		m := engine.Mount{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
		switch v.Type {
		case types.VolumeTypeVolume, types.VolumeTypeBind:
		case types.VolumeTypeTmpfs:
			m.Source = ""
		default:
			return nil, locs.errorf(key, "%s: volume type %q: not supported by berth (volume, bind or tmpfs)", v.Target, v.Type)
		}
		if m.Target == "" {
			return nil, locs.errorf(key, "volume without a target path")
		}
		out = append(out, m)
	}
	return out, nil
}

func unsupportedVolumeOption(v types.ServiceVolumeConfig) string {
	switch {
	case v.Consistency != "":
		return fmt.Sprintf("consistency %q", v.Consistency)
	case v.Bind != nil && v.Bind.SELinux != "":
		return fmt.Sprintf("SELinux relabel %q", v.Bind.SELinux)
	case v.Bind != nil && v.Bind.Propagation != "" && v.Bind.Propagation != types.PropagationRPrivate:
		return fmt.Sprintf("bind propagation %q", v.Bind.Propagation)
	case v.Volume != nil && v.Volume.NoCopy:
		return "nocopy"
	}
	return ""
}
