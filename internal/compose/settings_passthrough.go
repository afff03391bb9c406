package compose

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/berth-dev/berth/internal/engine"
)

// passThrough copies the container settings compose hands to the engine as
// they are (stdin_open, tty, sysctls, runtime, capabilities, privileged,
// security_opt, devices, logging, platform, read_only, tmpfs, group_add).
func passThrough(s types.ServiceConfig, out *Service, locs *locations) error {
	key := "services." + s.Name
	out.StdinOpen, out.Tty = s.StdinOpen, s.Tty
	out.Runtime, out.Platform = s.Runtime, s.Platform
	out.Privileged, out.ReadOnly = s.Privileged, s.ReadOnly
	out.CapAdd, out.CapDrop = slices.Clone(s.CapAdd), slices.Clone(s.CapDrop)
	out.SecurityOpt, out.GroupAdd = slices.Clone(s.SecurityOpt), slices.Clone(s.GroupAdd)
	if len(s.Sysctls) > 0 {
		out.Sysctls = maps.Clone(map[string]string(s.Sysctls))
	}
	for _, d := range s.Devices {
		if d.Source == "" {
			return locs.errorf(key+".devices", "device without a host path")
		}
		out.Devices = append(out.Devices, engine.Device{Source: d.Source, Target: d.Target, Permissions: d.Permissions})
	}
	if l := s.Logging; l != nil && (l.Driver != "" || len(l.Options) > 0) {
		out.Logging = &engine.Logging{Driver: l.Driver, Options: maps.Clone(map[string]string(l.Options))}
	}
	if p := s.Platform; p != "" && !validPlatform(p) {
		return locs.errorf(key+".platform", "invalid platform %q (use os[/arch[/variant]], e.g. linux/amd64)", p)
	}
	for _, t := range s.Tmpfs {
		dir, opts, _ := strings.Cut(t, ":")
		if !path.IsAbs(dir) {
			return locs.errorf(key+".tmpfs", "%q: the mount path must be absolute", t)
		}
		if out.Tmpfs == nil {
			out.Tmpfs = map[string]string{}
		}
		out.Tmpfs[dir] = opts
	}
	return nil
}

// validPlatform reports whether p is os[/arch[/variant]] with no empty part.
func validPlatform(p string) bool {
	parts := strings.Split(p, "/")
	return len(parts) <= 3 && !slices.Contains(parts, "")
}
