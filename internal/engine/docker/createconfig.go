package docker

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/berth-dev/berth/internal/engine"
)

// apiMultiNetworkCreate is the first API version whose container create
// accepts more than one network, and also the first with a healthcheck
// start interval.
const apiMultiNetworkCreate = "1.44"

// createPlan is how one [engine.ContainerSpec] is created: the SDK request,
// the networks to connect after create (daemons older than API 1.44
// accept a single network at create) and what of the spec this daemon
// cannot apply, for the caller to say so.
type createPlan struct {
	opts     client.ContainerCreateOptions
	later    []engine.EndpointSpec
	warnings []string
}

// planCreate maps every field of spec to an SDK create request for a daemon
// speaking apiVersion. It fails with an [engine.ErrInvalid] error, before
// any Docker call, on input the daemon would reject. What the daemon's API
// is too old for and the container can run without (the healthcheck start
// interval) is left out and named in the plan's warnings: never silently.
func planCreate(spec engine.ContainerSpec, apiVersion string) (createPlan, error) {
	invalid := func(format string, a ...any) (createPlan, error) {
		return createPlan{}, engine.Wrap(engine.OpContainerCreate, engine.ErrInvalid,
			fmt.Errorf("create container %q: "+format, append([]any{spec.Name}, a...)...))
	}
	modern := !versions.LessThan(apiVersion, apiMultiNetworkCreate)
	cfg := &container.Config{
		Image:        spec.Image,
		Cmd:          spec.Cmd,
		Entrypoint:   spec.Entrypoint,
		Env:          spec.Env,
		Labels:       spec.Labels,
		StopSignal:   spec.StopSignal,
		WorkingDir:   spec.WorkingDir,
		User:         spec.User,
		Hostname:     spec.Hostname,
		ExposedPorts: network.PortSet{},
	}
	if spec.StopTimeout != nil {
		secs := int(math.Ceil(spec.StopTimeout.Seconds()))
		cfg.StopTimeout = &secs
	}
	var warnings []string
	if hc := spec.Healthcheck; hc != nil {
		cfg.Healthcheck = &container.HealthConfig{
			Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout,
			StartPeriod: hc.StartPeriod, Retries: hc.Retries,
		}
		if modern {
			cfg.Healthcheck.StartInterval = hc.StartIntervalToApply()
		} else if hc.StartInterval > 0 {
			// Only a declared start interval is worth a warning; the
			// default is left out quietly.
			warnings = append(warnings, fmt.Sprintf(
				"container %q: healthcheck start_interval %s not applied: it needs Docker API %s or newer and the daemon speaks %s, so the engine probes at the healthcheck's interval during the start period too (upgrade Docker to apply it)",
				spec.Name, hc.StartInterval, apiMultiNetworkCreate, apiVersion))
		}
	}
	host := &container.HostConfig{
		PortBindings:  network.PortMap{},
		RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyMode(spec.Restart.Name), MaximumRetryCount: spec.Restart.MaximumRetryCount},
		ExtraHosts:    spec.ExtraHosts,
		Init:          spec.Init,
		ShmSize:       spec.ShmSize,
	}
	host.Memory = spec.MemoryLimit
	host.MemoryReservation = spec.MemoryReserve
	host.NanoCPUs = spec.NanoCPUs
	for _, u := range spec.Ulimits {
		host.Ulimits = append(host.Ulimits, &container.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
	}
	for _, p := range spec.Expose {
		port, err := makePort(p, "tcp")
		if err != nil {
			return invalid("expose: %w", err)
		}
		cfg.ExposedPorts[port] = struct{}{}
	}
	for _, pb := range spec.Ports {
		port, err := makePort(pb.ContainerPort, pb.Protocol)
		if err != nil {
			return invalid("ports: %w", err)
		}
		b := network.PortBinding{HostPort: pb.HostPort}
		if b.HostPort == "0" {
			b.HostPort = "" // ephemeral
		}
		if pb.HostIP != "" {
			ip, err := netip.ParseAddr(pb.HostIP)
			if err != nil {
				return invalid("ports: host IP %q: %w", pb.HostIP, err)
			}
			b.HostIP = ip
		}
		cfg.ExposedPorts[port] = struct{}{}
		host.PortBindings[port] = append(host.PortBindings[port], b)
	}
	for _, m := range spec.Mounts {
		switch t := mount.Type(m.Type); t {
		case mount.TypeVolume, mount.TypeBind, mount.TypeTmpfs:
			host.Mounts = append(host.Mounts, mount.Mount{Type: t, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
		default:
			return invalid("mount %q: type %q is not one of volume, bind, tmpfs", m.Target, m.Type)
		}
	}
	if err := applyContainerSettings(spec, cfg, host); err != nil {
		return invalid("%w", err)
	}
	plan := createPlan{opts: client.ContainerCreateOptions{Name: spec.Name, Config: cfg, HostConfig: host}, warnings: warnings}
	if spec.Platform != "" {
		p, err := platformOf(spec.Platform)
		if err != nil {
			return invalid("%w", err)
		}
		plan.opts.Platform = p
	}
	if spec.NetworkMode != "" {
		if err := checkNetworkMode(spec); err != nil {
			return invalid("%w", err)
		}
		host.NetworkMode = container.NetworkMode(spec.NetworkMode)
		return plan, nil
	}
	if len(spec.Networks) > 0 {
		host.NetworkMode = container.NetworkMode(spec.Networks[0].Network)
		ep := map[string]*network.EndpointSettings{}
		for i, n := range spec.Networks {
			settings, err := endpointSettings(n)
			if err != nil {
				return invalid("%w", err)
			}
			if i > 0 && !modern {
				plan.later = append(plan.later, n)
				continue
			}
			ep[n.Network] = settings
		}
		plan.opts.NetworkingConfig = &network.NetworkingConfig{EndpointsConfig: ep}
	}
	return plan, nil
}

// endpointSettings is the SDK's settings of one network attachment.
func endpointSettings(n engine.EndpointSpec) (*network.EndpointSettings, error) {
	s := &network.EndpointSettings{Aliases: n.Aliases}
	if n.IPv4Address != "" {
		ip, err := netip.ParseAddr(n.IPv4Address)
		if err != nil || !ip.Is4() {
			return nil, fmt.Errorf("network %q: ipv4_address %q is not an IPv4 address", n.Network, n.IPv4Address)
		}
		s.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: ip}
	}
	return s, nil
}

// makePort builds a container port; protocol "" means tcp.
func makePort(num int, protocol string) (network.Port, error) {
	if num < 1 || num > math.MaxUint16 {
		return network.Port{}, fmt.Errorf("port %d is out of range 1-65535", num)
	}
	if protocol == "" {
		protocol = "tcp"
	}
	port, ok := network.PortFrom(uint16(num), network.IPProtocol(strings.ToLower(protocol)))
	if !ok {
		return network.Port{}, fmt.Errorf("port %d: invalid protocol %q", num, protocol)
	}
	return port, nil
}
