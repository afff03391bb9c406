package compose

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// convertBuild maps a service's build section (key is its path in the
// file, for errors). Build args without a value take it from the
// environment; secrets name top-level secrets, checked with the others
// in [usedFiles].
func convertBuild(b *types.BuildConfig, env environ, key string, locs *locations) (*Build, error) {
	out := &Build{Context: b.Context, Dockerfile: b.Dockerfile, Target: b.Target,
		DockerfileInline: b.DockerfileInline, Labels: copyMap(b.Labels), NoCache: b.NoCache, Pull: b.Pull,
		ShmSize: int64(b.ShmSize)}
	if b.DockerfileInline != "" && b.Dockerfile != "" && b.Dockerfile != "Dockerfile" {
		return nil, locs.errorf(key+".dockerfile_inline", "cannot be used with dockerfile (%s): give one of them", b.Dockerfile)
	}
	if len(b.Args) > 0 {
		out.Args = make(map[string]*string, len(b.Args))
		for k, v := range b.Args {
			if v == nil {
				if val, ok := env.lookup(k); ok {
					v = &val
				}
			}
			out.Args[k] = v
		}
	}
	switch b.Network {
	case "", "default":
	case "host", "none":
		out.Network = b.Network
	default:
		return nil, locs.errorf(key+".network", "%q: a build runs its steps on the builder's network, the host's or none "+
			"(default, host, none); the project's networks do not exist yet when it builds", b.Network)
	}
	for host, ips := range b.ExtraHosts {
		for _, ip := range ips {
			out.ExtraHosts = append(out.ExtraHosts, host+"="+ip)
		}
	}
	sort.Strings(out.ExtraHosts)
	for name, src := range b.AdditionalContexts {
		if strings.Contains(src, "://") || strings.HasPrefix(src, "service:") || strings.HasPrefix(src, "target:") {
			return nil, locs.errorf(key+".additional_contexts."+name, "%q: berth supports directories only", src)
		}
		if !filepath.IsAbs(src) {
			src = filepath.Join(b.Context, src)
		}
		if out.AdditionalContexts == nil {
			out.AdditionalContexts = map[string]string{}
		}
		out.AdditionalContexts[name] = filepath.Clean(src)
	}
	for _, s := range b.Secrets {
		if s.Source == "" {
			return nil, locs.errorf(key+".secrets", "secret without a source")
		}
		id := s.Source
		if s.Target != "" {
			id = s.Target
		}
		out.Secrets = append(out.Secrets, BuildSecret{ID: id, Source: s.Source})
	}
	sort.Slice(out.Secrets, func(i, j int) bool { return out.Secrets[i].ID < out.Secrets[j].ID })
	return out, nil
}
