package compose

import (
	"errors"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"
)

// convertProject maps compose-go's merged project onto berth's [Project],
// checking references (depends_on, networks, volumes, x-berth service
// names) and every value berth cannot honour. Files, WorkingDir and Hash
// are the caller's.
func convertProject(cp *types.Project, env environ, locs *locations, xb XBerth, production bool) (*Project, error) {
	if err := checkXBerthServices(cp, xb, locs); err != nil {
		return nil, err
	}
	p := &Project{Name: cp.Name, Berth: xb}
	var errs []error
	for _, name := range sortedKeys(cp.Services) {
		svc, err := convertService(cp.Services[name], env, locs, xb, production)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.Services = append(p.Services, svc)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := checkNetworkModes(cp, p, locs); err != nil {
		return nil, err
	}
	if err := checkDependsOn(cp, p, locs); err != nil {
		return nil, err
	}
	var err error
	if p.Networks, err = usedNetworks(cp, p.Services, locs); err != nil {
		return nil, err
	}
	if p.Volumes, err = usedVolumes(cp, p.Services, locs); err != nil {
		return nil, err
	}
	if p.Secrets, p.Configs, err = usedFiles(cp, p.Services, env, locs); err != nil {
		return nil, err
	}
	if err := checkAddresses(p, locs); err != nil {
		return nil, err
	}
	if err := containerNames(p, locs); err != nil {
		return nil, err
	}
	return p, nil
}

// checkXBerthServices refuses x-berth entries naming no service.
func checkXBerthServices(cp *types.Project, xb XBerth, locs *locations) error {
	known := func(n string) bool {
		_, on := cp.Services[n]
		_, off := cp.DisabledServices[n]
		return on || off
	}
	for _, n := range sortedKeys(xb.Memory) {
		if !known(n) {
			return locs.errorf("x-berth.memory."+n, "no service named %q", n)
		}
	}
	for _, n := range sortedKeys(xb.Production.Images) {
		if !known(n) {
			return locs.errorf("x-berth.production.images."+n, "no service named %q", n)
		}
	}
	return nil
}

// convertService maps one enabled service.
func convertService(s types.ServiceConfig, env environ, locs *locations, xb XBerth, production bool) (Service, error) {
	key := "services." + s.Name
	out := Service{
		Name:       s.Name,
		Image:      s.Image,
		Command:    nilIfNil(s.Command),
		Entrypoint: nilIfNil(s.Entrypoint),
		StopSignal: s.StopSignal,
		Labels:     copyMap(s.Labels),
		WorkingDir: s.WorkingDir,
		User:       s.User,
		Hostname:   s.Hostname,
		ExtraHosts: extraHosts(s.ExtraHosts),
		Init:       s.Init,
		ShmSize:    int64(s.ShmSize),
		Ulimits:    ulimits(s.Ulimits),
	}
	replaced := false
	if img, ok := xb.Production.Images[s.Name]; ok && production {
		out.Image, replaced = img, true
	}
	if out.Image == "" && s.Build == nil {
		return out, locs.errorf(key, "has neither image nor build")
	}
	if s.StopGracePeriod != nil {
		out.StopGrace = durationOf(s.StopGracePeriod)
	}
	var err error
	steps := []func() error{
		func() (err error) {
			if replaced || s.Build == nil {
				return nil // a production image replaces the build
			}
			out.Build, err = convertBuild(s.Build, env, key+".build", locs)
			return
		},
		func() (err error) { out.Environment, err = serviceEnv(s, env, locs); return },
		func() (err error) { out.Ports, err = ports(s, locs); return },
		func() (err error) { out.Expose, err = expose(s, locs); return },
		func() (err error) { out.Mounts, err = mounts(s, locs); return },
		func() (err error) { out.Healthcheck, err = healthcheck(s, locs); return },
		func() (err error) { out.Restart, err = restartPolicy(s, locs); return },
		func() error { return resources(s, &out, xb, locs) },
		func() (err error) { out.DependsOn, err = dependsOn(s, locs); return },
		func() (err error) { out.Pull, err = pullPolicy(s, locs); return },
		func() (err error) { out.NetworkMode, err = networkMode(s, locs); return },
		func() (err error) { out.Networks, err = serviceNetworks(s, out.NetworkMode, locs); return },
		func() error { return passThrough(s, &out, locs) },
		func() (err error) { out.Secrets, out.Configs, err = fileMounts(s, locs); return },
	}
	for _, step := range steps {
		if err = step(); err != nil {
			return out, err
		}
	}
	out.ContainerName = s.ContainerName
	return out, nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func copyMap[M ~map[string]string](m M) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nilIfNil keeps the distinction between "not set" (nil) and an explicit
// empty command.
func nilIfNil(c types.ShellCommand) []string {
	if c == nil {
		return nil
	}
	return append([]string{}, c...)
}
