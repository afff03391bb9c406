package compose

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/berth-dev/berth/internal/engine"
)

func durationOf(d *types.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}

// healthcheck maps a healthcheck; disable: true or test ["NONE"] becomes
// Test ["NONE"]. A healthcheck without test keeps the image's test.
func healthcheck(s types.ServiceConfig, locs *locations) (*engine.Healthcheck, error) {
	hc := s.HealthCheck
	if hc == nil {
		return nil, nil
	}
	if hc.Disable || (len(hc.Test) > 0 && hc.Test[0] == "NONE") {
		return &engine.Healthcheck{Test: []string{"NONE"}}, nil
	}
	if len(hc.Test) > 0 && hc.Test[0] != "CMD" && hc.Test[0] != "CMD-SHELL" {
		return nil, locs.errorf("services."+s.Name+".healthcheck.test",
			`must be a string, or a list starting with "CMD", "CMD-SHELL" or "NONE"`)
	}
	out := &engine.Healthcheck{
		Test:          nilIfNil(types.ShellCommand(hc.Test)),
		Interval:      durationOf(hc.Interval),
		Timeout:       durationOf(hc.Timeout),
		StartPeriod:   durationOf(hc.StartPeriod),
		StartInterval: durationOf(hc.StartInterval),
	}
	if hc.Retries != nil {
		if *hc.Retries > math.MaxInt32 {
			return nil, locs.errorf("services."+s.Name+".healthcheck.retries", "too large")
		}
		out.Retries = int(*hc.Retries)
	}
	return out, nil
}

// restartPolicy maps "no", "always", "unless-stopped", "on-failure[:N]".
func restartPolicy(s types.ServiceConfig, locs *locations) (engine.RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s.Restart, ":")
	switch name {
	case "", "no", "always", "unless-stopped":
		if !hasCount {
			return engine.RestartPolicy{Name: name}, nil
		}
	case "on-failure":
		if !hasCount {
			return engine.RestartPolicy{Name: name}, nil
		}
		if n, err := strconv.Atoi(count); err == nil && n >= 0 {
			return engine.RestartPolicy{Name: name, MaximumRetryCount: n}, nil
		}
	}
	return engine.RestartPolicy{}, locs.errorf("services."+s.Name+".restart",
		`invalid restart policy %q (use "no", "always", "unless-stopped" or "on-failure[:N]")`, s.Restart)
}

// resources sets memory and CPU limits: mem_limit or
// deploy.resources.limits.memory (they must agree when both are set), the
// same for reservations and cpus, then x-berth.memory overrides the limit.
func resources(s types.ServiceConfig, out *Service, xb XBerth, locs *locations) error {
	key := "services." + s.Name
	limit, reserve, cpus := int64(s.MemLimit), int64(s.MemReservation), s.CPUS
	if d := s.Deploy; d != nil {
		if l := d.Resources.Limits; l != nil {
			if m := int64(l.MemoryBytes); m != 0 {
				if limit != 0 && limit != m {
					return locs.errorf(key+".deploy.resources.limits.memory", "differs from mem_limit (set one of them)")
				}
				limit = m
			}
			if c := l.NanoCPUs.Value(); c != 0 {
				if cpus != 0 && cpus != c {
					return locs.errorf(key+".deploy.resources.limits.cpus", "differs from cpus (set one of them)")
				}
				cpus = c
			}
		}
		if r := d.Resources.Reservations; r != nil && r.MemoryBytes != 0 {
			if reserve != 0 && reserve != int64(r.MemoryBytes) {
				return locs.errorf(key+".deploy.resources.reservations.memory", "differs from mem_reservation (set one of them)")
			}
			reserve = int64(r.MemoryBytes)
		}
	}
	if m, ok := xb.Memory[s.Name]; ok {
		limit = m
	}
	if limit < 0 || reserve < 0 || cpus < 0 {
		return locs.errorf(key, "memory and cpus must not be negative")
	}
	out.MemoryLimit, out.MemoryReserve, out.NanoCPUs = limit, reserve, nanoCPUs(cpus)
	return nil
}

// nanoCPUs converts compose's float32 cpus through its shortest decimal
// form, so 0.1 gives 100000000 rather than 100000001.
func nanoCPUs(c float32) int64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(c), 'f', -1, 32), 64)
	return int64(math.Round(f * 1e9))
}

func ulimits(m map[string]*types.UlimitsConfig) []engine.Ulimit {
	var out []engine.Ulimit
	for _, name := range sortedKeys(m) {
		u := m[name]
		if u == nil {
			continue
		}
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		out = append(out, engine.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	return out
}

// extraHosts flattens extra_hosts to sorted "host:ip" entries.
func extraHosts(h types.HostsList) []string {
	var out []string
	for host, ips := range h {
		for _, ip := range ips {
			out = append(out, host+":"+ip)
		}
	}
	sort.Strings(out)
	return out
}
