package compose

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// Load reads, merges and validates the compose files o selects and returns
// the berth [Project]: several files merged in order, .env, interpolation,
// profiles (services not enabled are left out) and extends, through
// compose-go. Every key berth does not support, malformed YAML, a missing
// file, an undefined reference or an invalid value is reported as an
// [*Error] (several may be joined with errors.Join) naming the file and
// key, and the line when known. Load reads files only: it makes no Docker
// call.
func Load(ctx context.Context, o Options) (*Project, error) {
	return loadRecording(ctx, o, nil)
}

// loadRecording is [Load], recording what it depends on in rd (nil: nothing).
func loadRecording(ctx context.Context, o Options, rd *reads) (*Project, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("load compose project: %w", err)
	}
	o.Getenv = rd.getenv(o.Getenv)
	paths, err := o.configPaths(rd)
	if err != nil {
		return nil, err
	}
	srcs := make([]source, 0, len(paths))
	for _, p := range paths {
		s, err := readSource(o.WorkingDir, p, rd)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	projectDir := filepath.Dir(paths[0])
	locs := newLocations()
	locs.fallback = loc{file: srcs[0].display}
	bare := map[string]bool{}
	if err := checkSources(o.WorkingDir, srcs, locs, bare, rd); err != nil {
		return nil, err
	}
	env, err := loadEnviron(projectDir, displayName(o.WorkingDir, filepath.Join(projectDir, ".env")), o.Getenv, bare, rd)
	if err != nil {
		return nil, err
	}
	name, explicit, err := o.projectName(projectDir)
	if err != nil {
		return nil, err
	}
	l := composeLoad{srcs: srcs, dir: projectDir, env: env, name: name, explicit: explicit,
		profiles: o.profiles(env)}
	cp, xb, err := l.load(ctx, locs)
	if err != nil {
		return nil, err
	}
	if o.Production && xb.Production.File != "" {
		p := xb.Production.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(projectDir, p)
		}
		s, err := readSource(o.WorkingDir, filepath.Clean(p), rd)
		if err != nil {
			return nil, err
		}
		if err := checkSources(o.WorkingDir, []source{s}, locs, bare, rd); err != nil {
			return nil, err
		}
		l.srcs = append(l.srcs, s)
		if cp, xb, err = l.load(ctx, locs); err != nil {
			return nil, err
		}
	}
	p, err := convertProject(cp, env, locs, xb, o.Production)
	if err != nil {
		return nil, err
	}
	for _, s := range l.srcs {
		p.Files = append(p.Files, s.path)
	}
	p.WorkingDir = projectDir
	if p.Hash, err = hashProject(p); err != nil {
		return nil, fmt.Errorf("hash compose project: %w", err)
	}
	return p, nil
}

// composeLoad is one compose-go load of a set of files.
type composeLoad struct {
	srcs     []source
	dir      string
	env      environ
	name     string
	explicit bool
	profiles []string
}

// load runs compose-go and parses x-berth from the merged result.
func (l composeLoad) load(ctx context.Context, locs *locations) (*types.Project, XBerth, error) {
	details := types.ConfigDetails{WorkingDir: l.dir, Environment: l.env.mapping()}
	for _, s := range l.srcs {
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: s.path, Content: s.content})
	}
	cp, err := loader.LoadWithContext(ctx, details, func(lo *loader.Options) {
		lo.SetProjectName(l.name, l.explicit)
		lo.Profiles = l.profiles
		lo.ResolvePaths = true
		lo.SkipConsistencyCheck = true   // berth's own checks name file and key (refs.go)
		lo.SkipResolveEnvironment = true // resolved with the Getenv lookup (env.go)
		lo.Interpolate.LookupValue = l.env.lookup
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, XBerth{}, ctx.Err()
		}
		return nil, XBerth{}, l.wrap(err)
	}
	if cp.Name == "" {
		return nil, XBerth{}, &Error{File: l.srcs[0].display, Key: "name",
			Msg: "project name is empty: set name: or use -p"}
	}
	xb, err := parseXBerth(cp.Extensions["x-berth"], locs)
	return cp, xb, err
}

// wrap turns a compose-go error into an *Error naming the file it
// mentions (shown as the user named it), else the first file.
func (l composeLoad) wrap(err error) *Error {
	msg := err.Error()
	file := l.srcs[0].display
	for _, s := range l.srcs {
		if strings.Contains(msg, s.path) {
			file = s.display
			msg = strings.TrimPrefix(msg, "validating "+s.path+": ")
			msg = strings.TrimPrefix(msg, "failed to parse "+s.path+": ")
			msg = strings.ReplaceAll(msg, s.path, s.display)
			break
		}
	}
	return &Error{File: file, Msg: msg}
}
