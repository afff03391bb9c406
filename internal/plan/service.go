package plan

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// resolver turns compose services into container specs of one environment.
type resolver struct {
	id       Identity
	now      time.Time
	networks map[string]string // project key -> engine name
	volumes  map[string]string
}

// service plans s. build is non-nil when s is built from source.
func (r resolver) service(p *compose.Project, s compose.Service) (ServicePlan, *BuildPlan, error) {
	sp := ServicePlan{Name: s.Name, DependsOn: maps.Clone(s.DependsOn), Grace: s.StopGrace}
	if sp.Grace <= 0 {
		sp.Grace = DefaultGrace
	}
	grace := sp.Grace
	image := s.Image
	var build *BuildPlan
	if s.Build != nil {
		b := newBuildPlan(r.id, p.Name, s)
		build, image = &b, b.Tag
	}
	if image == "" {
		return sp, nil, fmt.Errorf("no image and no build")
	}
	mounts, err := r.mounts(s.Mounts)
	if err != nil {
		return sp, nil, err
	}
	nets, err := r.endpoints(s)
	if err != nil {
		return sp, nil, err
	}
	sp.Spec = engine.ContainerSpec{
		Name:          ContainerName(r.id.EnvID, s.Name),
		Image:         image,
		Cmd:           slices.Clone(s.Command),
		Entrypoint:    slices.Clone(s.Entrypoint),
		Env:           slices.Clone(s.Environment),
		Labels:        r.containerLabels(s),
		Ports:         r.ports(s.Ports),
		Expose:        slices.Clone(s.Expose),
		Mounts:        mounts,
		Networks:      nets,
		Healthcheck:   cloneHealthcheck(s.Healthcheck),
		MemoryLimit:   s.MemoryLimit,
		MemoryReserve: s.MemoryReserve,
		NanoCPUs:      s.NanoCPUs,
		Restart:       EngineRestart(s.Restart, r.id.RestartBudget),
		StopSignal:    s.StopSignal,
		StopTimeout:   &grace,
		WorkingDir:    s.WorkingDir,
		User:          s.User,
		Hostname:      s.Hostname,
		ExtraHosts:    slices.Clone(s.ExtraHosts),
		Init:          s.Init,
		ShmSize:       s.ShmSize,
		Ulimits:       slices.Clone(s.Ulimits),
	}
	hc := s.Healthcheck
	sp.Healthcheck = hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
	return sp, build, nil
}

// containerLabels: the service's own labels, then berth's and compose's,
// which win.
func (r resolver) containerLabels(s compose.Service) map[string]string {
	m := maps.Clone(s.Labels)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, labels.ForResource(owner(r.id), r.now))
	return labels.Service(m, s.Name, 1)
}

// ports copies the published ports; in a dedicated environment every host
// port becomes ephemeral so that copies never collide.
func (r resolver) ports(in []engine.PortBinding) []engine.PortBinding {
	out := slices.Clone(in)
	if r.id.Mode == ModeDedicated {
		for i := range out {
			out[i].HostPort = ""
		}
	}
	return out
}

// mounts resolves named volume mounts to this environment's volumes.
func (r resolver) mounts(in []engine.Mount) ([]engine.Mount, error) {
	out := slices.Clone(in)
	for i, m := range out {
		if m.Type != "volume" || m.Source == "" {
			continue
		}
		name, ok := r.volumes[m.Source]
		if !ok {
			return nil, fmt.Errorf("mount %s: volume %q is not defined in the project", m.Target, m.Source)
		}
		out[i].Source = name
	}
	return out, nil
}

// endpoints resolves the service's networks, with the service name as an
// alias on each so other services reach it by name. A service that lists
// no network joins the project's "default" network when there is one.
func (r resolver) endpoints(s compose.Service) ([]engine.EndpointSpec, error) {
	sn := s.Networks
	if len(sn) == 0 {
		if _, ok := r.networks["default"]; !ok {
			return nil, nil
		}
		sn = []compose.ServiceNetwork{{Name: "default"}}
	}
	var out []engine.EndpointSpec
	for _, n := range sn {
		name, ok := r.networks[n.Name]
		if !ok {
			return nil, fmt.Errorf("network %q is not defined in the project", n.Name)
		}
		aliases := []string{s.Name}
		for _, a := range n.Aliases {
			if !slices.Contains(aliases, a) {
				aliases = append(aliases, a)
			}
		}
		out = append(out, engine.EndpointSpec{Network: name, Aliases: aliases})
	}
	return out, nil
}

func cloneHealthcheck(h *engine.Healthcheck) *engine.Healthcheck {
	if h == nil {
		return nil
	}
	c := *h
	c.Test = slices.Clone(h.Test)
	return &c
}

// sortByKey sorts s by key(elem).
func sortByKey[T any](s []T, key func(T) string) {
	slices.SortStableFunc(s, func(a, b T) int {
		ka, kb := key(a), key(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
}
