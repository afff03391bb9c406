package docker

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/internal/engine"
)

// applyContainerSettings maps the spec's process, security and runtime
// settings (the ones compose passes straight to the engine) onto the
// create request.
func applyContainerSettings(spec engine.ContainerSpec, cfg *container.Config, host *container.HostConfig) error {
	cfg.Tty = spec.Tty
	cfg.OpenStdin = spec.StdinOpen
	host.Sysctls = maps.Clone(spec.Sysctls)
	host.Runtime = spec.Runtime
	host.CapAdd = slices.Clone(spec.CapAdd)
	host.CapDrop = slices.Clone(spec.CapDrop)
	host.Privileged = spec.Privileged
	host.SecurityOpt = slices.Clone(spec.SecurityOpt)
	host.ReadonlyRootfs = spec.ReadOnly
	host.Tmpfs = maps.Clone(spec.Tmpfs)
	host.GroupAdd = slices.Clone(spec.GroupAdd)
	for _, d := range spec.Devices {
		if d.Source == "" {
			return errors.New("device without a host path")
		}
		dm := container.DeviceMapping{PathOnHost: d.Source, PathInContainer: d.Target, CgroupPermissions: d.Permissions}
		if dm.PathInContainer == "" {
			dm.PathInContainer = d.Source
		}
		if dm.CgroupPermissions == "" {
			dm.CgroupPermissions = "rwm"
		}
		host.Resources.Devices = append(host.Resources.Devices, dm)
	}
	if l := spec.Logging; l != nil {
		host.LogConfig = container.LogConfig{Type: l.Driver, Config: maps.Clone(l.Options)}
	}
	return nil
}

// checkNetworkMode accepts the network modes berth uses: "none", "host"
// and "container:<name or ID>", never together with networks.
func checkNetworkMode(spec engine.ContainerSpec) error {
	if len(spec.Networks) > 0 {
		return fmt.Errorf("network mode %q and networks: a container joins networks or uses a network mode, not both", spec.NetworkMode)
	}
	switch ref, isContainer := strings.CutPrefix(spec.NetworkMode, "container:"); {
	case spec.NetworkMode == "none", spec.NetworkMode == "host":
		return nil
	case isContainer && ref != "":
		return nil
	}
	return fmt.Errorf("network mode %q: want none, host or container:<name>", spec.NetworkMode)
}

// platformOf parses "os[/arch[/variant]]", as compose's platform key takes it.
func platformOf(s string) (*ocispec.Platform, error) {
	parts := strings.Split(strings.ToLower(s), "/")
	if len(parts) > 3 || slices.Contains(parts, "") {
		return nil, fmt.Errorf("platform %q: want os[/arch[/variant]], e.g. linux/amd64", s)
	}
	p := &ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}
