package compose

import (
	"errors"
	"io/fs"
	"os"
	"path"

	"github.com/compose-spec/compose-go/v2/types"
)

// Where compose mounts a secret or config whose target is not absolute.
const (
	secretsDir = "/run/secrets/"
	configsDir = "/"
)

// fileMounts maps a service's secrets and configs, short and long syntax:
// a secret at /run/secrets/<name> or its target (a relative target is
// under /run/secrets), a config at its target, default /<name>.
func fileMounts(s types.ServiceConfig, locs *locations) (secrets, configs []FileMount, err error) {
	key := "services." + s.Name
	for _, r := range s.Secrets {
		if r.Source == "" {
			return nil, nil, locs.errorf(key+".secrets", "secret without a source")
		}
		secrets = append(secrets, FileMount{Source: r.Source, Target: mountTarget(r.Target, r.Source, secretsDir)})
	}
	for _, r := range s.Configs {
		if r.Source == "" {
			return nil, nil, locs.errorf(key+".configs", "config without a source")
		}
		configs = append(configs, FileMount{Source: r.Source, Target: mountTarget(r.Target, r.Source, configsDir)})
	}
	return secrets, configs, nil
}

func mountTarget(target, source, dir string) string {
	switch {
	case target == "":
		return dir + source
	case path.IsAbs(target):
		return path.Clean(target)
	}
	return path.Clean(dir + target)
}

// usedFiles returns the top-level secrets and configs the enabled services
// mount, with their sources read: a file source must exist (it is
// bind-mounted as it is); an environment source's variable must be set
// (process environment, then .env); a config's inline content is kept.
// Content is never part of the hash (see [Sensitive]).
func usedFiles(cp *types.Project, svcs []Service, env environ, locs *locations) (secrets, configs []FileObject, err error) {
	secretDefs := map[string]types.FileObjectConfig{}
	for n, c := range cp.Secrets {
		secretDefs[n] = types.FileObjectConfig(c)
	}
	configDefs := map[string]types.FileObjectConfig{}
	for n, c := range cp.Configs {
		c.Content = configContent(c)
		configDefs[n] = types.FileObjectConfig(c)
	}
	pick := func(kind string, defs map[string]types.FileObjectConfig, mounts func(Service) []FileMount) ([]FileObject, error) {
		used := map[string]bool{}
		for _, s := range svcs {
			for _, m := range mounts(s) {
				if _, ok := defs[m.Source]; !ok {
					return nil, locs.errorf("services."+s.Name+"."+kind, "%s %q is not declared in the top-level %s", kind[:len(kind)-1], m.Source, kind)
				}
				used[m.Source] = true
			}
		}
		var out []FileObject
		for _, name := range sortedKeys(used) {
			o, err := fileObject(kind, name, defs[name], env, locs)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	}
	if secrets, err = pick("secrets", secretDefs, secretsUsed); err != nil {
		return nil, nil, err
	}
	if configs, err = pick("configs", configDefs, func(s Service) []FileMount { return s.Configs }); err != nil {
		return nil, nil, err
	}
	return secrets, configs, nil
}

// secretsUsed are the secrets service s mounts, and those its build does.
func secretsUsed(s Service) []FileMount {
	out := s.Secrets
	if s.Build != nil {
		for _, b := range s.Build.Secrets {
			out = append(out[:len(out):len(out)], FileMount{Source: b.Source})
		}
	}
	return out
}

// configContent is a config's inline content: compose-go also fills
// Content from an environment source it could resolve, which berth reads
// itself (see fileObject).
func configContent(c types.ConfigObjConfig) string {
	if c.Environment != "" {
		return ""
	}
	return c.Content
}

// fileObject reads one secret's or config's source.
func fileObject(kind, name string, c types.FileObjectConfig, env environ, locs *locations) (FileObject, error) {
	key := kind + "." + name
	o := FileObject{Name: name, File: c.File, Environment: c.Environment}
	sources := 0
	for _, set := range []bool{c.File != "", c.Environment != "", c.Content != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		what := "file or environment"
		if kind == "configs" {
			what = "file, environment or content"
		}
		return o, locs.errorf(key, "needs exactly one source: %s", what)
	}
	switch {
	case c.File != "":
		fi, err := os.Stat(c.File)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return o, locs.errorf(key+".file", "%s not found", c.File)
		case err != nil:
			return o, locs.errorf(key+".file", "%v", err)
		case fi.IsDir():
			return o, locs.errorf(key+".file", "%s is a directory: berth mounts a file", c.File)
		}
	case c.Environment != "":
		v, ok := env.lookup(c.Environment)
		if !ok {
			return o, locs.errorf(key+".environment", "variable %s is not set (in the environment or .env)", c.Environment)
		}
		o.Content = NewSensitive([]byte(v))
	default:
		o.Content = NewSensitive([]byte(c.Content))
	}
	return o, nil
}
