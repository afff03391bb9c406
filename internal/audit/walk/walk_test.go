package walk

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

func TestFiles(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "build/\n*.gen.sh\n")
	write(t, root, "scripts/.gitignore", "!keep.gen.sh\n")
	write(t, root, "scripts/run.sh", "docker ps\n")
	write(t, root, "scripts/keep.gen.sh", "docker ps\n")
	write(t, root, "scripts/drop.gen.sh", "docker ps\n")
	write(t, root, "scripts/ci-check", "#!/usr/bin/env bash\ndocker ps\n")
	write(t, root, "scripts/tool", "#!/usr/bin/env -S python3 -u\nimport os\n")
	write(t, root, "scripts/README", "docker rm -f\n")
	write(t, root, "scripts/blob.sh", "docker rm -f\x00\x01")
	write(t, root, "build/out.sh", "docker rm -f x\n")
	write(t, root, "vendor/x/clean.sh", "docker system prune -af\n")
	write(t, root, "web/node_modules/p/clean.sh", "docker system prune -af\n")
	write(t, root, "tests/test_a.py", "import subprocess\n")
	write(t, root, "tests/docker-compose.yml", "services: {}\n")
	write(t, root, "pkg/a_test.go", "package a\n")
	write(t, root, "pkg/a.go", "package a\n")
	write(t, root, ".github/workflows/ci.yml", "jobs: {}\n")
	write(t, root, "Makefile", "all:\n\ttrue\n")
	write(t, root, "pytest.ini", "[pytest]\n")
	write(t, root, "notes.txt", "docker rm -f\n")
	require.NoError(t, os.Symlink(filepath.Join(root, "build"), filepath.Join(root, "linked")))

	files, st, err := Files(root)
	require.NoError(t, err)
	got := map[string]Kind{}
	for _, f := range files {
		got[f.Path] = f.Kind
		if f.Kind == YAML || f.Kind == CI {
			if f.Kind == YAML {
				assert.Nil(t, f.Src, "YAML is loaded on demand")
			}
		} else {
			assert.NotEmpty(t, f.Src, f.Path)
		}
	}
	assert.Equal(t, map[string]Kind{
		"scripts/run.sh":           Shell,
		"scripts/keep.gen.sh":      Shell,
		"scripts/ci-check":         Shell,
		"scripts/tool":             Python,
		"tests/test_a.py":          Python,
		"tests/docker-compose.yml": YAML,
		"pkg/a_test.go":            Go,
		"pkg/a.go":                 Go,
		".github/workflows/ci.yml": CI,
		"Makefile":                 Makefile,
		"pytest.ini":               PytestConfig,
	}, got)
	assert.Equal(t, Stats{Ignored: 2, Vendored: 2, Binary: 1}, st)

	src, err := Load(root, File{Path: "tests/docker-compose.yml"})
	require.NoError(t, err)
	assert.Equal(t, "services: {}\n", string(src))
}

func TestIsTest(t *testing.T) {
	for p, want := range map[string]bool{
		"a/b_test.go": true, "tests/helpers.py": true, "conftest.py": true, "pkg/test_x.py": true,
		"x_test.py": true, "scripts/run.sh": false, "internal/e2e/h.go": true, "testdata/x.go": false,
		"pkg/a.go": false,
	} {
		assert.Equal(t, want, IsTest(p), p)
	}
}

func TestMissingRoot(t *testing.T) {
	_, _, err := Files(filepath.Join(t.TempDir(), "nope"))
	assert.Error(t, err)
}
