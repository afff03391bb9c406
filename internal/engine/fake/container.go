package fake

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// container is one container's state; guarded by Engine.mu.
type container struct {
	id, name string
	spec     engine.ContainerSpec // Ports, Healthcheck and StopTimeout are private copies
	imageID  string
	env      []string
	labels   map[string]string
	created  time.Time
	state    engine.ContainerState
	restarts int
	nets     map[string][]string // network ID -> aliases
	pending  map[string][]string // network ref not yet resolved -> aliases
	mounts   []engine.Mount      // anonymous volumes resolved to their names
	anon     []string            // names of its anonymous volumes
	ports    []engine.PublishedPort
	logs     []engine.LogLine
	changed  chan struct{} // closed and replaced when logs grow or the state changes
	stats    *engine.Stats
	gen      int               // counts starts, so a stop can tell its run from a later one
	netMode  string            // as inspect reports it (see setNetworkingLocked)
	ips      map[string]string // network ref -> fixed IPv4 address
}

// envValue returns the value of key in the container's environment.
func (c *container) envValue(key string) string {
	for _, kv := range c.env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// hasHealthcheck reports whether the container has an enabled health check.
func (c *container) hasHealthcheck() bool {
	h := c.spec.Healthcheck
	return h != nil && len(h.Test) > 0 && h.Test[0] != "NONE"
}

// viewLocked returns the inspect view of c, sharing no memory with it.
func (e *Engine) viewLocked(c *container) engine.Container {
	st := c.state
	if st.Health != nil {
		h := *st.Health
		st.Health = &h
	}
	nets := map[string][]string{}
	for nid, aliases := range c.nets {
		if n, ok := e.networks[nid]; ok {
			nets[n.name] = slices.Clone(aliases)
		}
	}
	for ref, aliases := range c.pending {
		nets[ref] = slices.Clone(aliases)
	}
	var stop *time.Duration
	if c.spec.StopTimeout != nil {
		d := *c.spec.StopTimeout
		stop = &d
	}
	v := engine.Container{
		ID: c.id, Name: c.name, Image: c.spec.Image, Created: c.created,
		Labels: maps.Clone(c.labels), Env: slices.Clone(c.env), State: st,
		StopSignal: c.spec.StopSignal, StopTimeout: stop,
		RestartCount: c.restarts, Restart: c.spec.Restart, MemoryLimit: c.spec.MemoryLimit,
		Ports: slices.Clone(c.ports), Networks: nets, Mounts: slices.Clone(c.mounts),
	}
	settingsView(&v, c)
	return v
}

// settingsView fills in the settings the daemon reports as they were
// asked for, with its defaults (runtime runc, log driver json-file).
func settingsView(v *engine.Container, c *container) {
	s := cloneSpec(c.spec)
	v.NetworkMode = c.netMode
	v.Tty, v.StdinOpen = s.Tty, s.StdinOpen
	v.Sysctls, v.CapAdd, v.CapDrop = s.Sysctls, capNames(s.CapAdd), capNames(s.CapDrop)
	v.Privileged, v.ReadOnly = s.Privileged, s.ReadOnly
	v.Tmpfs, v.GroupAdd, v.SecurityOpt = s.Tmpfs, s.GroupAdd, s.SecurityOpt
	v.Runtime = firstNonEmpty(s.Runtime, "runc")
	v.Logging = s.Logging
	if v.Logging == nil {
		v.Logging = &engine.Logging{Driver: "json-file", Options: map[string]string{}}
	}
}

// summaryLocked returns the list row of c.
func (e *Engine) summaryLocked(c *container) engine.ContainerSummary {
	return engine.ContainerSummary{
		ID: c.id, Name: c.name, Image: c.spec.Image, State: c.state.Status,
		Status: statusText(c.state, e.now()), Created: c.created, Labels: maps.Clone(c.labels),
	}
}

// findContainerLocked resolves ref as a full ID, a name (with or without
// the leading slash), then a unique ID prefix, as the daemon does.
func (e *Engine) findContainerLocked(op engine.Op, ref string) (*container, error) {
	if c, ok := e.containers[ref]; ok {
		return c, nil
	}
	name := strings.TrimPrefix(ref, "/")
	var prefixed []*container
	for _, c := range e.containers {
		if c.name == name {
			return c, nil
		}
		if ref != "" && strings.HasPrefix(c.id, ref) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0], nil
	}
	if len(prefixed) > 1 {
		return nil, errorf(op, engine.ErrInvalid, "multiple IDs found with provided prefix: %s", ref)
	}
	return nil, errorf(op, engine.ErrNotFound, "No such container: %s", ref)
}

// mergeEnv overlays KEY=VALUE list top on base, keeping base's order.
func mergeEnv(base, top []string) []string {
	out := slices.Clone(base)
	for _, kv := range top {
		k, _, _ := strings.Cut(kv, "=")
		i := slices.IndexFunc(out, func(s string) bool { return strings.HasPrefix(s, k+"=") || s == k })
		if i >= 0 {
			out[i] = kv
		} else {
			out = append(out, kv)
		}
	}
	return out
}

// capNames writes capabilities as the daemon stores them: upper case with
// the CAP_ prefix ("net_admin" -> "CAP_NET_ADMIN"); "ALL" stays.
func capNames(in []string) []string {
	var out []string
	for _, c := range in {
		c = strings.ToUpper(c)
		if c != "ALL" && !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		out = append(out, c)
	}
	return out
}
