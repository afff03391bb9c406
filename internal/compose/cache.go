package compose

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/berth-dev/berth/internal/safefs"
)

// cacheFormat changes whenever the cache entry's encoding does.
const cacheFormat = "berth-compose-cache-1"

// Cache keeps loaded projects in a directory (the state directory's
// compose-cache), so that a command run again on unchanged files does not
// parse, interpolate and validate them again. An entry is used only when
// everything that shaped it is as it was: the [Options], the berth build
// (Stamp), every file the load read or looked for (compose files, .env,
// env_files, extends targets; compared by content) and every variable it
// looked up (compared by value). A failed load is never cached, so bad
// input is still refused, and a project with secret or config content
// (which must not be written to disk) is not cached.
type Cache struct {
	Dir string
	// Stamp identifies the code that converts compose files (berth's
	// version and its executable), so a new berth never reads an entry
	// an older one wrote.
	Stamp string
}

// cacheEntry is one cached load.
type cacheEntry struct {
	Format  string
	Files   map[string]string // path -> contentSum ("" = absent)
	Vars    map[string]string // name -> value
	Project *Project
	Pull    map[string]PullPolicy // service -> pull policy (not in Project's JSON)
	Notes   []string
	// PoolSize is x-berth.pool.size (not in Project's JSON).
	PoolSize *int
}

// Load is [Load] through the cache: a valid entry is returned as it was
// stored; otherwise the files are loaded and, when that succeeds, stored.
// A cache that cannot be read or written is passed by, silently: it only
// ever saves time.
func (c Cache) Load(ctx context.Context, o Options) (*Project, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Load(ctx, o)
	}
	path := filepath.Join(c.Dir, c.key(o)+".json")
	if p := c.read(path, o.Getenv); p != nil {
		return p, nil
	}
	rd := newReads()
	p, err := loadRecording(ctx, o, rd)
	if err != nil || rd.uncacheable || hasContent(p) {
		return p, err
	}
	c.write(path, rd, p)
	return p, nil
}

// key names the entry for o: the options and the stamp. What the files and
// variables held is checked inside the entry.
func (c Cache) key(o Options) string {
	b, _ := json.Marshal(struct {
		Format, Stamp, WorkingDir, ProjectName string
		Files, Profiles                        []string
		Production                             bool
		Home                                   string // compose-go expands ~ with the user's home
	}{cacheFormat, c.Stamp, o.WorkingDir, o.ProjectName, o.Files, o.Profiles, o.Production, os.Getenv("HOME")})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// read returns the project of the entry at path when every file and
// variable it depends on is unchanged, else nil.
func (c Cache) read(path string, getenv func(string) string) *Project {
	b, err := safefs.ReadFile(path)
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil || e.Format != cacheFormat || e.Project == nil {
		return nil
	}
	for name, v := range e.Vars {
		if getenv(name) != v {
			return nil
		}
	}
	for f, sum := range e.Files {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if contentSum(b, err != nil) != sum {
			return nil
		}
	}
	p := e.Project
	for i := range p.Services {
		p.Services[i].Pull = e.Pull[p.Services[i].Name]
	}
	p.Notes, p.Berth.PoolSize = e.Notes, e.PoolSize
	return p
}

// write stores p and what it depends on at path (written whole, then
// renamed into place, so a reader never sees half an entry).
func (c Cache) write(path string, rd *reads, p *Project) {
	e := cacheEntry{Format: cacheFormat, Files: rd.files, Vars: rd.vars, Project: p, Pull: map[string]PullPolicy{},
		Notes: p.Notes, PoolSize: p.Berth.PoolSize}
	for _, s := range p.Services {
		e.Pull[s.Name] = s.Pull
	}
	b, err := json.Marshal(e)
	if err != nil || safefs.EnsureDir(c.Dir) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.Dir, ".entry-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}

// hasContent reports whether p carries secret or config content, which
// the cache must not write down.
func hasContent(p *Project) bool {
	return slices.ContainsFunc(append(slices.Clone(p.Secrets), p.Configs...), func(f FileObject) bool {
		return f.Content.Len() > 0 || f.Environment != ""
	})
}
