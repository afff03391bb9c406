package compose

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
)

// environ is the environment compose files are interpolated with: the
// process environment (Getenv) over the project's .env file, as compose
// does. Getenv cannot tell an unset variable from an empty one, so an
// empty process value falls back to .env.
type environ struct {
	getenv func(string) string
	dotenv map[string]string
	// bare are names the files use without a value (environment, build
	// args): compose-go resolves those from a map, so mapping includes them.
	bare map[string]bool
	// rd records the env_files read (nil: not recorded).
	rd *reads
}

func (e environ) lookup(key string) (string, bool) {
	if v := e.getenv(key); v != "" {
		return v, true
	}
	v, ok := e.dotenv[key]
	return v, ok
}

// mapping is the .env keys and the bare names with their effective
// values, for the parts of compose-go that take a map, not a lookup.
func (e environ) mapping() types.Mapping {
	m := make(types.Mapping, len(e.dotenv)+len(e.bare))
	for k := range e.dotenv {
		m[k], _ = e.lookup(k)
	}
	for k := range e.bare {
		if v, ok := e.lookup(k); ok {
			m[k] = v
		}
	}
	return m
}

// loadEnviron reads dir/.env (absent is fine), interpolating it from getenv.
func loadEnviron(dir, display string, getenv func(string) string, bare map[string]bool, rd *reads) (environ, error) {
	e := environ{getenv: getenv, dotenv: map[string]string{}, bare: bare, rd: rd}
	path := filepath.Join(dir, ".env")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		rd.file(path, nil, true)
		return e, nil
	}
	if err != nil {
		return e, &Error{File: display, Msg: "read .env: " + err.Error()}
	}
	rd.file(path, b, false)
	vars, err := dotenv.ParseWithLookup(bytes.NewReader(b), func(k string) (string, bool) {
		v := getenv(k)
		return v, v != ""
	})
	if err != nil {
		return e, &Error{File: display, Msg: "parse .env: " + err.Error()}
	}
	e.dotenv = vars
	return e, nil
}

// serviceEnv resolves a service's environment as compose does: env_file
// entries in order, overridden by environment; a variable named without a
// value takes the project environment's value and is dropped when unset.
// The result is sorted KEY=VALUE.
func serviceEnv(s types.ServiceConfig, env environ, locs *locations) ([]string, error) {
	vars := map[string]string{}
	lookup := func(k string) (string, bool) {
		if v, ok := env.lookup(k); ok {
			return v, true
		}
		if v, ok := s.Environment[k]; ok && v != nil {
			return *v, true
		}
		return "", false
	}
	key := "services." + s.Name + ".env_file"
	for _, ef := range s.EnvFiles {
		b, err := os.ReadFile(ef.Path)
		if errors.Is(err, fs.ErrNotExist) && !bool(ef.Required) {
			env.rd.file(ef.Path, nil, true)
			continue
		}
		if err != nil {
			return nil, locs.errorf(key, "env file %s: %v", ef.Path, err)
		}
		env.rd.file(ef.Path, b, false)
		err = dotenv.ParseWithFormat(bytes.NewReader(b), ef.Path, vars, lookup, ef.Format)
		if err != nil {
			return nil, locs.errorf(key, "%v", err)
		}
	}
	for k, v := range s.Environment {
		if v == nil {
			if val, ok := env.lookup(k); ok {
				v = &val
			}
		}
		if v == nil {
			delete(vars, k)
			continue
		}
		vars[k] = *v
	}
	if len(vars) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out, nil
}
