package yamlscan

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// Compose reads a compose file as written (no interpolation, no merging
// of several files). ok is false when src is YAML but not a compose
// file (no services: mapping); malformed YAML is an error.
func Compose(path string, src []byte) (cf fact.ComposeFile, ok bool, err error) {
	docs, err := documents(src)
	if err != nil || len(docs) == 0 {
		return cf, false, err
	}
	root := docs[0]
	services := get(root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return cf, false, nil
	}
	cf = fact.ComposeFile{Path: path, BerthMemory: map[string]bool{}}
	if n := setting(path, root, "name"); n.Set() {
		cf.Name, cf.NameLoc = n.Value, n.Loc
	}
	for _, f := range fields(get(get(root, "x-berth"), "memory")) {
		cf.BerthMemory[f.key.Value] = true
	}
	for _, f := range fields(services) {
		cf.Services = append(cf.Services, service(path, f.key, f.val))
	}
	return cf, true, nil
}

func service(file string, key, m *yaml.Node) fact.Service {
	s := fact.Service{Name: key.Value, Loc: loc(file, key), Extends: get(m, "extends") != nil,
		Restart:       setting(file, m, "restart"),
		ContainerName: setting(file, m, "container_name"),
		NetworkMode:   setting(file, m, "network_mode"),
		StopGrace:     setting(file, m, "stop_grace_period"),
		MemLimit:      setting(file, m, "mem_limit"),
	}
	if !s.MemLimit.Set() {
		limits := get(get(get(m, "deploy"), "resources"), "limits")
		s.MemLimit = setting(file, limits, "memory")
	}
	if p := get(m, "ports"); p != nil && p.Kind == yaml.SequenceNode {
		for _, item := range p.Content {
			if fixed, ok := fixedPort(deref(item)); ok {
				s.FixedPorts = append(s.FixedPorts, fact.Setting{Value: fixed, Loc: loc(file, item)})
			}
		}
	}
	if h := get(m, "healthcheck"); h != nil && h.Kind == yaml.MappingNode {
		hk := getKey(m, "healthcheck")
		s.Health = &fact.Health{Loc: loc(file, hk), Interval: setting(file, h, "interval"), Disabled: scalar(get(h, "disable")) == "true"}
		if t := get(h, "test"); t != nil {
			first := scalar(t)
			if t.Kind == yaml.SequenceNode && len(t.Content) > 0 {
				first = scalar(t.Content[0])
			}
			s.Health.Disabled = s.Health.Disabled || strings.EqualFold(first, "NONE")
		}
	}
	s.DependsOn = dependsOn(file, get(m, "depends_on"))
	return s
}

func dependsOn(file string, d *yaml.Node) []fact.Dependency {
	var out []fact.Dependency
	switch {
	case d == nil:
	case d.Kind == yaml.SequenceNode:
		for _, item := range d.Content {
			out = append(out, fact.Dependency{Service: scalar(item), Loc: loc(file, item)})
		}
	case d.Kind == yaml.MappingNode:
		for _, f := range fields(d) {
			out = append(out, fact.Dependency{Service: f.key.Value, Condition: scalar(get(f.val, "condition")), Loc: loc(file, f.key)})
		}
	}
	return out
}

// fixedPort returns a port entry's host port when it is fixed: a literal
// other than 0 ("8080:80", "127.0.0.1:5432:5432", published: 8080). An
// entry without a host port, with an empty or 0 one, with a variable, or
// with a host port range (the daemon picks a free port in it) is not
// fixed.
func fixedPort(n *yaml.Node) (string, bool) {
	var host string
	switch n.Kind {
	case yaml.MappingNode:
		host = scalar(get(n, "published"))
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "$") {
			return "", false
		}
		spec, _, _ := strings.Cut(n.Value, "/")
		if i := strings.LastIndex(spec, "]"); i >= 0 { // [::1]:8080:80
			spec = spec[i+1:]
		}
		parts := strings.Split(spec, ":")
		switch len(parts) {
		case 2:
			host = parts[0]
		case 3:
			host = parts[1]
		default:
			return "", false
		}
	default:
		return "", false
	}
	if host == "" || host == "0" || strings.Contains(host, "$") || strings.Contains(host, "-") {
		return "", false // none, ephemeral, configurable, or a range the daemon picks a free port from
	}
	return host, true
}
