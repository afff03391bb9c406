package compose

import (
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// dependsOn maps a service's depends_on conditions; references are
// checked by checkDependsOn once every service is known.
func dependsOn(s types.ServiceConfig, locs *locations) (map[string]Condition, error) {
	if len(s.DependsOn) == 0 {
		return nil, nil
	}
	out := make(map[string]Condition, len(s.DependsOn))
	for _, dep := range sortedKeys(s.DependsOn) {
		c := Condition(s.DependsOn[dep].Condition)
		switch c {
		case "":
			c = ServiceStarted
		case ServiceStarted, ServiceHealthy, ServiceCompletedSuccessfully:
		default:
			return nil, locs.errorf("services."+s.Name+".depends_on."+dep+".condition",
				"unknown condition %q (use service_started, service_healthy or service_completed_successfully)", c)
		}
		out[dep] = c
	}
	return out, nil
}

// checkDependsOn refuses depends_on naming an undefined service, or a
// service left out by the active profiles unless the dependency says
// required: false (then it is dropped, as compose does), and cycles.
func checkDependsOn(cp *types.Project, p *Project, locs *locations) error {
	for i := range p.Services {
		s := &p.Services[i]
		for _, dep := range sortedKeys(s.DependsOn) {
			if _, ok := cp.Services[dep]; ok {
				continue
			}
			key := "services." + s.Name + ".depends_on." + dep
			if _, off := cp.DisabledServices[dep]; off {
				if !cp.Services[s.Name].DependsOn[dep].Required {
					delete(s.DependsOn, dep)
					continue
				}
				return locs.errorf(key, "service %q depends on service %q, which the active profiles leave out (enable its profile, or set required: false)", s.Name, dep)
			}
			return locs.errorf(key, "service %q depends on service %q, which is not defined", s.Name, dep)
		}
	}
	return checkCycles(p, locs)
}

// checkCycles refuses a cycle of depends_on (and network_mode
// service:NAME, which implies one), naming it.
func checkCycles(p *Project, locs *locations) error {
	deps := make(map[string][]string, len(p.Services))
	for _, s := range p.Services {
		deps[s.Name] = sortedKeys(s.DependsOn)
		if t, ok := strings.CutPrefix(s.NetworkMode, types.NetworkModeServicePrefix); ok && !slices.Contains(deps[s.Name], t) {
			deps[s.Name] = append(deps[s.Name], t)
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var stack []string
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case done:
			return nil
		case visiting:
			i := 0
			for stack[i] != n {
				i++
			}
			cycle := append(append([]string{}, stack[i:]...), n)
			return locs.errorf("services."+n+".depends_on", "dependency cycle: %s", strings.Join(cycle, " -> "))
		}
		state[n] = visiting
		stack = append(stack, n)
		for _, d := range deps[n] {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return nil
	}
	for _, s := range p.Services {
		if err := visit(s.Name); err != nil {
			return err
		}
	}
	return nil
}

// usedNetworks returns the project networks the enabled services attach
// to; a service naming an undeclared network is an error.
func usedNetworks(cp *types.Project, svcs []Service, locs *locations) ([]Network, error) {
	used := map[string]bool{}
	for _, s := range svcs {
		for _, n := range s.Networks {
			if _, ok := cp.Networks[n.Name]; !ok && n.Name != "default" {
				return nil, locs.errorf("services."+s.Name+".networks."+n.Name,
					"network %q is not declared in the top-level networks", n.Name)
			}
			used[n.Name] = true
		}
	}
	out := make([]Network, 0, len(used))
	for _, name := range sortedKeys(used) {
		c := cp.Networks[name]
		ipam, err := networkIPAM(name, c.Ipam, locs)
		if err != nil {
			return nil, err
		}
		out = append(out, Network{Name: name, Driver: c.Driver, Internal: c.Internal, Labels: copyMap(c.Labels), IPAM: ipam})
	}
	return out, nil
}

// usedVolumes returns the named volumes the enabled services mount; a
// service naming an undeclared volume is an error, as in compose.
func usedVolumes(cp *types.Project, svcs []Service, locs *locations) ([]Volume, error) {
	used := map[string]bool{}
	for _, s := range svcs {
		for _, m := range s.Mounts {
			if m.Type != "volume" || m.Source == "" {
				continue
			}
			if _, ok := cp.Volumes[m.Source]; !ok {
				return nil, locs.errorf("services."+s.Name+".volumes",
					"volume %q is not declared in the top-level volumes", m.Source)
			}
			used[m.Source] = true
		}
	}
	out := make([]Volume, 0, len(used))
	for _, name := range sortedKeys(used) {
		c := cp.Volumes[name]
		out = append(out, Volume{Name: name, Driver: c.Driver, Labels: copyMap(c.Labels)})
	}
	return out, nil
}
