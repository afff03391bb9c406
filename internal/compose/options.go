package compose

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
)

// Options select and configure the compose files [Load] reads.
type Options struct {
	// Files are the compose files (-f), merged in order. Relative paths are
	// relative to WorkingDir. Empty: the first of compose.yaml, compose.yml,
	// docker-compose.yaml, docker-compose.yml in WorkingDir, plus
	// compose.override.yaml (or .yml, or docker-compose.override.*) when
	// present, as compose does.
	Files []string
	// WorkingDir is where relative Files and the default files are looked
	// up. Default: the current directory. The project directory (relative
	// paths inside the files, .env, the default project name) is the
	// directory of the first file, as in compose.
	WorkingDir string
	// ProjectName (-p) overrides the name: in the files and the default,
	// the project directory's name normalised like compose does (lower
	// case, only [a-z0-9_-]). A given name must already be normalised.
	ProjectName string
	// Getenv is the process environment for interpolation; nil means
	// os.Getenv. Its values take precedence over the project's .env file.
	Getenv func(string) string
	// Profiles enable services gated by profiles; nil means the
	// comma-separated COMPOSE_PROFILES (process environment, then .env).
	Profiles []string
	// Production applies the x-berth.production overrides: its file is
	// merged last and its images replace the named services' images.
	Production bool
}

// defaultFiles are the file names looked for when Options.Files is empty.
func defaultFiles() []string {
	return []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
}

// HasDefaultFile reports whether dir holds a compose file that a command
// given no -f would load.
func HasDefaultFile(dir string) bool {
	for _, name := range defaultFiles() {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && !st.IsDir() {
			return true
		}
	}
	return false
}

// overrideFiles are merged after a default file, as compose does.
func overrideFiles() []string {
	return []string{"compose.override.yaml", "compose.override.yml",
		"docker-compose.override.yaml", "docker-compose.override.yml"}
}

// withDefaults returns o with WorkingDir absolute and Getenv set.
func (o Options) withDefaults() (Options, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	wd := o.WorkingDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return o, err
		}
	}
	abs, err := filepath.Abs(wd)
	if err != nil {
		return o, err
	}
	o.WorkingDir = abs
	return o, nil
}

// configPaths returns the absolute compose file paths to merge, in order.
func (o Options) configPaths(rd *reads) ([]string, error) {
	if len(o.Files) > 0 {
		out := make([]string, len(o.Files))
		for i, f := range o.Files {
			if !filepath.IsAbs(f) {
				f = filepath.Join(o.WorkingDir, f)
			}
			out[i] = filepath.Clean(f)
		}
		return out, nil
	}
	main := firstExisting(o.WorkingDir, defaultFiles(), rd)
	if main == "" {
		return nil, &Error{File: o.WorkingDir, Msg: "no compose file found (looked for " +
			strings.Join(defaultFiles(), ", ") + "; name one with -f)"}
	}
	out := []string{main}
	if ov := firstExisting(o.WorkingDir, overrideFiles(), rd); ov != "" {
		out = append(out, ov)
	}
	return out, nil
}

func firstExisting(dir string, names []string, rd *reads) string {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		rd.file(p, nil, true) // one made later would be chosen instead
	}
	return ""
}

// projectName returns the explicit name (validated) or the default taken
// from the project directory; explicit reports whether it was given.
func (o Options) projectName(projectDir string) (name string, explicit bool, err error) {
	if o.ProjectName != "" {
		if loader.NormalizeProjectName(o.ProjectName) != o.ProjectName {
			return "", false, &Error{Msg: "invalid project name " + strconv.Quote(o.ProjectName) +
				": use only lower-case letters, digits, '-' and '_', starting with a letter or digit"}
		}
		return o.ProjectName, true, nil
	}
	return loader.NormalizeProjectName(filepath.Base(projectDir)), false, nil
}

// profiles returns the enabled profiles: Options.Profiles, else COMPOSE_PROFILES.
func (o Options) profiles(env environ) []string {
	if o.Profiles != nil {
		return o.Profiles
	}
	v, _ := env.lookup("COMPOSE_PROFILES")
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
