package console

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/resolve"
)

// Config is the effective configuration berth uses for an environment:
// the compose project after merge, interpolation, profiles, x-berth and
// production overrides (exactly what its configuration hash covers), its
// services' ports as the environment publishes them (a dedicated copy's
// host ports are ephemeral), and the environment ID it maps to. Keys
// follow berth's model of a project in snake_case (memory_limit,
// mounts...). Secret and config contents are never part of it.
type Config struct {
	Project     string         `json:"project"`
	Environment string         `json:"environment"`
	Mode        string         `json:"mode"`
	ConfigHash  string         `json:"config_hash"`
	Note        string         `json:"note,omitempty"`
	Services    map[string]any `json:"services"`
	Networks    map[string]any `json:"networks,omitempty"`
	Volumes     map[string]any `json:"volumes,omitempty"`
	Secrets     map[string]any `json:"secrets,omitempty"`
	Configs     map[string]any `json:"configs,omitempty"`
	XBerth      any            `json:"x-berth,omitempty"`
}

// EffectiveConfig describes environment e. For a dedicated request,
// shared is the project's shared ID: each copy gets an ID of its own.
func EffectiveConfig(e *resolve.Env, shared string) Config {
	p := e.Project
	c := Config{Project: p.Name, Environment: e.ID(), Mode: e.Plan.ID.Mode, ConfigHash: p.Hash,
		Services: map[string]any{}}
	if e.Plan.ID.Mode == plan.ModeDedicated {
		c.Environment = shared
		c.Note = "a dedicated copy: each copy gets an environment ID of its own (" + p.Name + "-d<random>) and ephemeral host ports"
	}
	for _, s := range p.Services {
		m, _ := snake(s).(map[string]any)
		delete(m, "name")
		if sp, ok := e.Plan.Services[s.Name]; ok && len(sp.Spec.Ports) > 0 {
			m["ports"] = portStrings(sp.Spec.Ports)
		}
		c.Services[s.Name] = m
	}
	c.Networks = byName(p.Networks, func(n any) string { return n.(map[string]any)["name"].(string) })
	c.Volumes = byName(p.Volumes, func(n any) string { return n.(map[string]any)["name"].(string) })
	c.Secrets = byName(p.Secrets, func(n any) string { return n.(map[string]any)["name"].(string) })
	c.Configs = byName(p.Configs, func(n any) string { return n.(map[string]any)["name"].(string) })
	c.XBerth = snake(p.Berth)
	return c
}

// byName turns a list of named things into a map by name.
func byName[T any](items []T, name func(any) string) map[string]any {
	if len(items) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, it := range items {
		v := snake(it)
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		n := name(m)
		delete(m, "name")
		out[n] = m
	}
	return out
}

// portStrings renders published ports as docker's short syntax: a host
// port left out is ephemeral ("127.0.0.1::8080/tcp").
func portStrings(ps []engine.PortBinding) []string {
	var out []string
	for _, p := range ps {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		s := fmt.Sprintf("%s:%d/%s", p.HostPort, p.ContainerPort, proto)
		if p.HostIP != "" {
			s = p.HostIP + ":" + s
		}
		out = append(out, strings.TrimPrefix(s, ":"))
	}
	return out
}
