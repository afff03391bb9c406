package plan

import "github.com/berth-dev/berth/internal/compose"

// fileSource is where a secret's or config's file comes from: a host
// file bind-mounted as it is, or a file berth writes.
type fileSource struct {
	host    string // absolute host path of a file source
	written string // [FilePlan.Name] of an environment or content source
}

// planFiles resolves every secret and config of p: file sources to their
// host paths, the others to the files berth writes (returned sorted).
// Keys are "secret:<name>" and "config:<name>".
func planFiles(p *compose.Project) (map[string]fileSource, []FilePlan) {
	out := map[string]fileSource{}
	var written []FilePlan
	add := func(kind string, objs []compose.FileObject) {
		for _, o := range objs {
			if o.File != "" {
				out[kind+":"+o.Name] = fileSource{host: o.File}
				continue
			}
			name := kind + "-" + o.Name
			out[kind+":"+o.Name] = fileSource{written: name}
			written = append(written, FilePlan{Name: name, Content: o.Content})
		}
	}
	add("config", p.Configs)
	add("secret", p.Secrets)
	sortByKey(written, func(f FilePlan) string { return f.Name })
	return out, written
}
