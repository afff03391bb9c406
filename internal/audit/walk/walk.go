package walk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/internal/audit/ignore"
)

// MaxSize is the size above which a file is skipped as generated.
const MaxSize = 2 << 20

// sniff is how much of a file is read to tell binary from text.
const sniff = 8000

// vendored are directory names whose trees are other people's code.
var vendored = map[string]bool{"vendor": true, "node_modules": true, ".venv": true, "venv": true,
	"site-packages": true, "__pycache__": true, ".tox": true, ".git": true}

// File is one file to scan.
type File struct {
	Path string // slash-separated, relative to the root
	Kind Kind
	Test bool   // see [IsTest]
	Src  []byte // nil for YAML files: [Load] them when needed
}

// Stats counts what the walk left out, for the report.
type Stats struct {
	Ignored  int // paths .gitignore excludes (a directory counts once)
	Vendored int // vendored directories skipped
	Binary   int // files with a NUL byte in their first 8000 bytes
	TooLarge int // files over MaxSize
}

// Files lists the files under root that some scanner reads, in lexical
// order, with their contents (YAML files excepted).
func Files(root string) ([]File, Stats, error) {
	var st Stats
	var out []File
	stacks := map[string]ignore.Stack{}
	base := ignore.Stack{}
	if b, err := os.ReadFile(filepath.Join(root, ".git", "info", "exclude")); err == nil {
		base = append(base, ignore.Parse("", b))
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				stacks["."] = withGitignore(base, root, "")
				return nil
			}
			if vendored[d.Name()] {
				st.Vendored++
				return filepath.SkipDir
			}
			parent := stacks[filepath.ToSlash(filepath.Dir(rel))]
			if parent.Ignored(rel, true) {
				st.Ignored++
				return filepath.SkipDir
			}
			stacks[rel] = withGitignore(parent, p, rel)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if stacks[filepath.ToSlash(filepath.Dir(rel))].Ignored(rel, false) {
			st.Ignored++
			return nil
		}
		f, ok, err := read(p, rel, d, &st)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, st, fmt.Errorf("walk %s: %w", root, err)
	}
	return out, st, nil
}

// withGitignore adds dir's .gitignore, if any, to the parent's stack.
func withGitignore(parent ignore.Stack, dir, rel string) ignore.Stack {
	b, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil {
		return parent
	}
	s := make(ignore.Stack, len(parent), len(parent)+1)
	copy(s, parent)
	return append(s, ignore.Parse(rel, b))
}

// read classifies and reads a file; ok is false when it is not one to
// scan (another kind, binary, too large).
func read(p, rel string, d fs.DirEntry, st *Stats) (File, bool, error) {
	k := kindOf(rel)
	if k == Other && filepath.Ext(rel) != "" {
		return File{}, false, nil
	}
	info, err := d.Info()
	if err != nil {
		return File{}, false, err
	}
	if info.Size() > MaxSize {
		st.TooLarge++
		return File{}, false, nil
	}
	f := File{Path: rel, Kind: k, Test: IsTest(rel)}
	if k == YAML {
		return f, true, nil
	}
	if k == Other {
		head, err := readHead(p)
		if err != nil {
			return File{}, false, err
		}
		if bytes.IndexByte(head, 0) >= 0 {
			st.Binary++
			return File{}, false, nil
		}
		if f.Kind = shebang(head); f.Kind == Other {
			return File{}, false, nil
		}
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return File{}, false, err
	}
	if bytes.IndexByte(src[:min(len(src), sniff)], 0) >= 0 {
		st.Binary++
		return File{}, false, nil
	}
	f.Src = src
	return f, true, nil
}

func readHead(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	buf := make([]byte, 256)
	n, err := io.ReadFull(fh, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

// Load reads a file [Files] listed without its contents; a binary one
// gives nil.
func Load(root string, f File) ([]byte, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(src[:min(len(src), sniff)], 0) >= 0 {
		return nil, nil
	}
	return src, nil
}
