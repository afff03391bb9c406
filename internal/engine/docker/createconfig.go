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

// createPlan is how one [engine.ContainerSpec] is created: the SDK request
// and the networks to connect after create (daemons older than API 1.44
// accept a single network at create).
type createPlan struct {
	opts  client.ContainerCreateOptions
	later []engine.EndpointSpec
}

// planCreate maps every field of spec to an SDK create request for a daemon
// speaking apiVersion. It fails with an [engine.ErrInvalid] error, before
// any Docker call, on input the daemon would reject or silently ignore.
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
	if hc := spec.Healthcheck; hc != nil {
		if hc.StartInterval > 0 && !modern {
			return invalid("healthcheck start_interval needs Docker API %s or newer, but the daemon's API version is %s: remove start_interval or upgrade Docker",
				apiMultiNetworkCreate, apiVersion)
		}
		cfg.Healthcheck = &container.HealthConfig{
			Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout,
			StartPeriod: hc.StartPeriod, StartInterval: hc.StartInterval, Retries: hc.Retries,
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
	plan := createPlan{opts: client.ContainerCreateOptions{Name: spec.Name, Config: cfg, HostConfig: host}}
	if len(spec.Networks) > 0 {
		host.NetworkMode = container.NetworkMode(spec.Networks[0].Network)
		ep := map[string]*network.EndpointSettings{}
		for i, n := range spec.Networks {
			if i > 0 && !modern {
				plan.later = append(plan.later, n)
				continue
			}
			ep[n.Network] = &network.EndpointSettings{Aliases: n.Aliases}
		}
		plan.opts.NetworkingConfig = &network.NetworkingConfig{EndpointsConfig: ep}
	}
	return plan, nil
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
