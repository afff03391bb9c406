package plan

// Stamp sets label key=value on every resource p creates (networks,
// volumes, containers, built images). It is for facts known only after
// planning, such as the state directory that owns the environment.
func (p *Plan) Stamp(key, value string) {
	for i := range p.Builds {
		p.Builds[i].Labels = with(p.Builds[i].Labels, key, value)
	}
	for i := range p.Networks {
		p.Networks[i].Spec.Labels = with(p.Networks[i].Spec.Labels, key, value)
	}
	for i := range p.Volumes {
		p.Volumes[i].Spec.Labels = with(p.Volumes[i].Spec.Labels, key, value)
	}
	for name, s := range p.Services {
		s.Spec.Labels = with(s.Spec.Labels, key, value)
		p.Services[name] = s
	}
}

func with(m map[string]string, key, value string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[key] = value
	return m
}
