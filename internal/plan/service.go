package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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
	files    map[string]fileSource // "secret:<name>", "config:<name>" -> source
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
		b, err := newBuildPlan(r.id, p, s)
		if err != nil {
			return sp, nil, err
		}
		build, image = &b, b.Tag
	}
	if image == "" {
		return sp, nil, fmt.Errorf("no image and no build")
	}
	mounts, err := r.mounts(s.Mounts)
	if err != nil {
		return sp, nil, err
	}
	if mounts, sp.Files, err = r.fileMounts(s, mounts); err != nil {
		return sp, nil, err
	}
	nets, err := r.endpoints(s)
	if err != nil {
		return sp, nil, err
	}
	mode, err := r.networkMode(s)
	if err != nil {
		return sp, nil, err
	}
	if target, ok := strings.CutPrefix(s.NetworkMode, "service:"); ok {
		if sp.DependsOn == nil {
			sp.DependsOn = map[string]compose.Condition{}
		}
		if _, set := sp.DependsOn[target]; !set {
			sp.DependsOn[target] = compose.ServiceStarted // its container must exist and run first
		}
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
		NetworkMode:   mode,
		StdinOpen:     s.StdinOpen,
		Tty:           s.Tty,
		Sysctls:       maps.Clone(s.Sysctls),
		Runtime:       s.Runtime,
		CapAdd:        slices.Clone(s.CapAdd),
		CapDrop:       slices.Clone(s.CapDrop),
		Privileged:    s.Privileged,
		SecurityOpt:   slices.Clone(s.SecurityOpt),
		Devices:       slices.Clone(s.Devices),
		Logging:       cloneLogging(s.Logging),
		Platform:      s.Platform,
		ReadOnly:      s.ReadOnly,
		Tmpfs:         maps.Clone(s.Tmpfs),
		GroupAdd:      slices.Clone(s.GroupAdd),
	}
	hc := s.Healthcheck
	sp.Healthcheck = hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
	sp.Probe = probeCommand(hc, p.Berth.Readiness)
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

// endpoints resolves the service's networks, with the service name (and
// its container_name) as an alias on each so other services reach it by
// name. A service that lists no network joins the project's "default"
// network when there is one; one with a network mode joins none. A fixed
// address is kept in a shared environment and refused in a dedicated
// copy, whose subnets the daemon chooses.
func (r resolver) endpoints(s compose.Service) ([]engine.EndpointSpec, error) {
	if s.NetworkMode != "" {
		return nil, nil
	}
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
		if n.IPv4Address != "" && r.id.Mode == ModeDedicated {
			return nil, fmt.Errorf("network %q: ipv4_address %s: a dedicated copy gets its subnet from the daemon, so a fixed address cannot be honoured (reach the service by its name or an alias, or run it shared)",
				n.Name, n.IPv4Address)
		}
		out = append(out, engine.EndpointSpec{Network: name, Aliases: aliases(s, n), IPv4Address: n.IPv4Address})
	}
	return out, nil
}

// fileMounts adds the service's secrets and configs: a file source as a
// read-only bind mount of the host file, a written one as a [FileMount]
// (bound when the files directory is known).
func (r resolver) fileMounts(s compose.Service, mounts []engine.Mount) ([]engine.Mount, []FileMount, error) {
	var written []FileMount
	for _, kind := range []struct {
		name string
		refs []compose.FileMount
	}{{"secret", s.Secrets}, {"config", s.Configs}} {
		for _, m := range kind.refs {
			src, ok := r.files[kind.name+":"+m.Source]
			if !ok {
				return nil, nil, fmt.Errorf("%s %q is not defined in the project", kind.name, m.Source)
			}
			if src.host != "" {
				mounts = append(mounts, engine.Mount{Type: "bind", Source: src.host, Target: m.Target, ReadOnly: true})
				continue
			}
			written = append(written, FileMount{File: src.written, Target: m.Target})
		}
	}
	return mounts, written, nil
}

func cloneLogging(l *engine.Logging) *engine.Logging {
	if l == nil {
		return nil
	}
	c := *l
	c.Options = maps.Clone(l.Options)
	return &c
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
