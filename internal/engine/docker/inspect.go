package docker

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerInspect returns the state of one container, by ID or name.
func (e *Engine) ContainerInspect(ctx context.Context, id string) (engine.Container, error) {
	res, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return engine.Container{}, wrap(engine.OpContainerInspect, err)
	}
	return containerFromInspect(res.Container), nil
}

// containerFromInspect converts the daemon's inspect answer. Missing
// sections (nil pointers) leave zero values.
func containerFromInspect(r container.InspectResponse) engine.Container {
	c := engine.Container{
		ID:           r.ID,
		Name:         strings.TrimPrefix(r.Name, "/"),
		Image:        r.Image,
		Created:      parseTime(r.Created),
		RestartCount: r.RestartCount,
	}
	if cfg := r.Config; cfg != nil {
		c.Image = cfg.Image // the reference it was created from, not the image ID
		c.Labels = cfg.Labels
		c.Env = cfg.Env
		c.StopSignal = cfg.StopSignal
		if cfg.StopTimeout != nil {
			d := time.Duration(*cfg.StopTimeout) * time.Second
			c.StopTimeout = &d
		}
		c.Tty, c.StdinOpen = cfg.Tty, cfg.OpenStdin
	}
	if s := r.State; s != nil {
		c.State = engine.ContainerState{
			Status:     string(s.Status),
			Running:    s.Running,
			Restarting: s.Restarting,
			OOMKilled:  s.OOMKilled,
			Pid:        s.Pid,
			ExitCode:   s.ExitCode,
			StartedAt:  parseTime(s.StartedAt),
			FinishedAt: parseTime(s.FinishedAt),
		}
		if h := s.Health; h != nil && h.Status != "" && h.Status != container.NoHealthcheck {
			health := &engine.Health{Status: string(h.Status), FailingStreak: h.FailingStreak}
			if n := len(h.Log); n > 0 && h.Log[n-1] != nil {
				health.LastOutput = h.Log[n-1].Output
			}
			c.State.Health = health
		}
	}
	if hc := r.HostConfig; hc != nil {
		c.Restart = engine.RestartPolicy{Name: string(hc.RestartPolicy.Name), MaximumRetryCount: hc.RestartPolicy.MaximumRetryCount}
		c.MemoryLimit = hc.Memory
		hostSettings(&c, hc)
	}
	if ns := r.NetworkSettings; ns != nil {
		c.Ports = publishedPorts(ns)
		if len(ns.Networks) > 0 {
			c.Networks = make(map[string][]string, len(ns.Networks))
			for name, ep := range ns.Networks {
				var aliases []string
				if ep != nil {
					aliases = slices.Clone(ep.Aliases)
				}
				c.Networks[name] = aliases
			}
		}
	}
	for _, m := range r.Mounts {
		src := m.Source
		if m.Type == "volume" {
			src = m.Name
		}
		c.Mounts = append(c.Mounts, engine.Mount{Type: string(m.Type), Source: src, Target: m.Destination, ReadOnly: !m.RW})
	}
	return c
}

// publishedPorts lists the host bindings of ns.Ports, sorted by container
// port, protocol, host IP. Exposed ports without a binding are left out.
func publishedPorts(ns *container.NetworkSettings) []engine.PublishedPort {
	var out []engine.PublishedPort
	for port, bindings := range ns.Ports {
		for _, b := range bindings {
			hp, err := strconv.Atoi(b.HostPort)
			if err != nil {
				continue
			}
			ip := ""
			if b.HostIP.IsValid() {
				ip = b.HostIP.String()
			}
			out = append(out, engine.PublishedPort{ContainerPort: int(port.Num()), Protocol: string(port.Proto()), HostIP: ip, HostPort: hp})
		}
	}
	slices.SortFunc(out, func(a, b engine.PublishedPort) int {
		if a.ContainerPort != b.ContainerPort {
			return a.ContainerPort - b.ContainerPort
		}
		if a.Protocol != b.Protocol {
			return strings.Compare(a.Protocol, b.Protocol)
		}
		if a.HostIP != b.HostIP {
			return strings.Compare(a.HostIP, b.HostIP)
		}
		return a.HostPort - b.HostPort
	})
	return out
}

// parseTime parses the daemon's RFC 3339 timestamps; the daemon's "never"
// (0001-01-01...) and unparsable text give the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// hostSettings copies the host settings berth sets and reads back.
func hostSettings(c *engine.Container, hc *container.HostConfig) {
	c.NetworkMode = string(hc.NetworkMode)
	c.Sysctls = hc.Sysctls
	c.CapAdd, c.CapDrop = hc.CapAdd, hc.CapDrop
	c.Privileged, c.ReadOnly = hc.Privileged, hc.ReadonlyRootfs
	c.Tmpfs, c.GroupAdd, c.SecurityOpt = hc.Tmpfs, hc.GroupAdd, hc.SecurityOpt
	c.Runtime = hc.Runtime
	if hc.LogConfig.Type != "" {
		c.Logging = &engine.Logging{Driver: hc.LogConfig.Type, Options: hc.LogConfig.Config}
	}
}
