package berth_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sdkImports are the Docker SDK's import paths (the engine API client, the
// BuildKit client and their types).
var sdkImports = []string{"github.com/moby/moby/client", "github.com/moby/moby/api", "github.com/moby/buildkit",
	"github.com/docker/docker"}

// Invariant 1 (docs/design.md): only internal/engine/docker imports the
// Docker SDK, so every Engine API call can pass through the gate.
func TestOnlyTheDockerAdapterImportsTheSDK(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	walkGo(t, func(path string) {
		if strings.HasPrefix(filepath.ToSlash(path), "internal/engine/docker/") {
			return
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, sdk := range sdkImports {
				if p == sdk || strings.HasPrefix(p, sdk+"/") {
					t.Errorf("%s imports %s: only internal/engine/docker may use the Docker SDK", path, p)
				}
			}
		}
	})
	if checked < 100 {
		t.Fatalf("checked only %d files: the walk is broken", checked)
	}
}

// Invariant 2: nothing outside tests removes a running container with
// force: no Force: true in a remove, no docker rm -f.
func TestNoForcedRemoval(t *testing.T) {
	force := regexp.MustCompile(`Force:\s*true|rm\s+-f\b|"--force"`)
	walkGo(t, func(path string) {
		if strings.HasSuffix(path, "_test.go") || strings.HasPrefix(filepath.ToSlash(path), "internal/audit/") {
			return // tests may, and the audit's rules name the patterns they look for
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if force.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d: %s", path, i+1, strings.TrimSpace(line))
			}
		}
	})
}

// walkGo calls fn with the path of every Go file of the module, relative
// to its root, leaving out testdata.
func walkGo(t *testing.T, fn func(path string)) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			fn(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
