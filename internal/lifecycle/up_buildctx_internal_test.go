package lifecycle

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

// tarNames returns the entry names of the context's tar.
func tarNames(t *testing.T, bc *buildContext) []string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, bc.writeTar(&buf))
	var names []string
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err)
		names = append(names, h.Name)
	}
}

func TestBuildContextHonoursDockerignore(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile":                "FROM scratch\n",
		".dockerignore":             "# comment\n*.log\nnode_modules\n**/*.tmp\ndocs/*\n!docs/keep.md\nDockerfile\n.dockerignore\n",
		"main.go":                   "package main",
		"app.log":                   "x",
		"sub/app.log":               "kept: *.log is one level",
		"node_modules/x/index.js":   "x",
		"a/b/c.tmp":                 "x",
		"docs/readme.md":            "x",
		"docs/keep.md":              "x",
		"sub/node_modules_not/z.go": "kept: a different name",
	})
	bc, err := scanBuildContext(dir, "")
	require.NoError(t, err)
	assert.Equal(t, "Dockerfile", bc.dockerfile)
	assert.ElementsMatch(t, []string{
		".dockerignore", "Dockerfile", "a/", "a/b/", "docs/", "docs/keep.md", "main.go",
		"sub/", "sub/app.log", "sub/node_modules_not/", "sub/node_modules_not/z.go",
	}, tarNames(t, bc))
}

func TestBuildContextDigest(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\n", "a.txt": "1", "x.log": "1", ".dockerignore": "*.log"})
	digest := func() string {
		bc, err := scanBuildContext(dir, "Dockerfile")
		require.NoError(t, err)
		return bc.digest
	}
	d1 := digest()
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, d1)
	assert.Equal(t, d1, digest(), "stable")
	writeFiles(t, dir, map[string]string{"x.log": "2"})
	assert.Equal(t, d1, digest(), "an ignored file does not count")
	writeFiles(t, dir, map[string]string{"a.txt": "2"})
	assert.NotEqual(t, d1, digest(), "content counts")
}

func TestBuildContextDockerfileOutside(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"docker/api.Dockerfile": "FROM scratch\n", "ctx/main.go": "x"})
	bc, err := scanBuildContext(filepath.Join(root, "ctx"), "../docker/api.Dockerfile")
	require.NoError(t, err)
	assert.Equal(t, outsideDockerfile, bc.dockerfile)
	assert.Equal(t, []string{"main.go", outsideDockerfile}, tarNames(t, bc))
}

func TestBuildContextMissingDir(t *testing.T) {
	_, err := scanBuildContext(filepath.Join(t.TempDir(), "nope"), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "read build context")
}

func TestPatternRegexp(t *testing.T) {
	cases := []struct {
		pattern, path string
		match         bool
	}{
		{"*.go", "a.go", true},
		{"*.go", "x/a.go", false},
		{"**/*.go", "x/y/a.go", true},
		{"**/*.go", "a.go", true},
		{"a/**", "a/b/c", true},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"[ab].txt", "b.txt", true},
		{"[!ab].txt", "b.txt", false},
		{`a\*b`, "a*b", true},
		{"a.b", "axb", false},
	}
	for _, c := range cases {
		ig := &ignorer{}
		require.NoError(t, ig.add(c.pattern))
		assert.Equal(t, c.match, ig.rules[0].re.MatchString(c.path), "%s vs %s", c.pattern, c.path)
	}
}
