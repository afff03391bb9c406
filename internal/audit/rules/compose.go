package rules

import (
	"fmt"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// composeRules judges the services of the compose files tests use.
func composeRules(files []fact.ComposeFile) []Finding {
	var out []Finding
	for _, cf := range files {
		services := map[string]fact.Service{}
		for _, s := range cf.Services {
			services[s.Name] = s
		}
		for _, s := range cf.Services {
			out = append(out, service(cf, s, services)...)
		}
	}
	return out
}

func service(cf fact.ComposeFile, s fact.Service, all map[string]fact.Service) []Finding {
	var out []Finding
	add := func(id string, l fact.Loc, format string, args ...any) {
		out = append(out, found(id, l, fmt.Sprintf("service %s: ", s.Name)+fmt.Sprintf(format, args...)))
	}
	if v := s.Restart.Value; v == "always" || v == "unless-stopped" {
		add(ComposeRestartAlways, s.Restart.Loc, "restart: %s restarts it without end when it crashes", v)
	}
	if s.ContainerName.Set() {
		add(ContainerName, s.ContainerName.Loc, "container_name %q allows one such container per daemon", s.ContainerName.Value)
	}
	for _, p := range s.FixedPorts {
		add(FixedHostPort, p.Loc, "host port %s is fixed: a second stack on the machine cannot bind it", p.Value)
	}
	if s.NetworkMode.Value == "host" {
		add(NetworkHost, s.NetworkMode.Loc, "network_mode: host binds its ports on the machine itself")
	}
	if s.StopGrace.Set() && isZero(s.StopGrace.Value) {
		add(ZeroStopTimeout, s.StopGrace.Loc, "stop_grace_period: %s kills it without a grace period", s.StopGrace.Value)
	}
	if s.Extends {
		return out // what it inherits is not known: do not report what it may lack
	}
	if !s.MemLimit.Set() && !cf.BerthMemory[s.Name] {
		add(NoMemoryLimit, s.Loc, "no memory limit (mem_limit, deploy.resources.limits.memory or x-berth.memory)")
	}
	if h := s.Health; h != nil && !h.Disabled && !h.Interval.Set() {
		add(DefaultHealth, h.Loc, "healthcheck without interval: checked every 30 s")
	}
	for _, d := range s.DependsOn {
		if d.Condition != "" && d.Condition != "service_started" {
			continue
		}
		dep, known := all[d.Service]
		switch {
		case !known || dep.Extends:
		case dep.Health == nil || dep.Health.Disabled:
			add(DependsUngated, d.Loc, "depends on %s, which has no healthcheck: it starts before %s is ready", d.Service, d.Service)
		default:
			add(DependsUngated, d.Loc, "depends on %s without condition: service_healthy: it starts before %s is ready", d.Service, d.Service)
		}
	}
	return out
}
