package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCacheGivesWhatLoadGives: a project read back from the cache equals
// the one the files load to, for the test files of every kind of key.
func TestCacheGivesWhatLoadGives(t *testing.T) {
	for _, files := range [][]string{{"full.yaml"}, {"extends.yaml"}, {"merge-base.yaml", "merge-override.yaml"},
		{"ports.yaml"}, {"xberth.yaml"}, {"hash-networks.yaml"}, {"profiles.yaml"}} {
		t.Run(files[0], func(t *testing.T) {
			o := Options{Files: files, WorkingDir: "testdata", Getenv: envOf(map[string]string{"TAG": "7"})}
			want, err := Load(context.Background(), o)
			require.NoError(t, err)
			c := Cache{Dir: t.TempDir(), Stamp: "test"}
			first, err := c.Load(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, want, first)
			entries, _ := os.ReadDir(c.Dir)
			require.Len(t, entries, 1, "one entry written")
			cached, err := c.Load(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, want, cached)
		})
	}
}

// TestCacheMissesOnEveryInput: changing anything the load read (the
// file, .env, an env_file, an extends target, a variable it interpolated)
// gives the new project, never the cached one.
func TestCacheMissesOnEveryInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) { require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600)) }
	write("compose.yaml", `name: c
services:
  app:
    image: app:${TAG}
    env_file: app.env
    environment: {FROM_DOTENV: "${DOTVAR}"}
  remote:
    extends: {file: base.yaml, service: common}
`)
	write("app.env", "A=1\n")
	write("base.yaml", "services:\n  common:\n    image: common:1\n")
	vars := map[string]string{"TAG": "1"}
	c := Cache{Dir: filepath.Join(t.TempDir(), "cache"), Stamp: "test"}
	o := Options{WorkingDir: dir, Getenv: func(k string) string { return vars[k] }}
	check := func(what string) {
		t.Helper()
		want, err := Load(context.Background(), o)
		require.NoError(t, err)
		got, err := c.Load(context.Background(), o)
		require.NoError(t, err)
		assert.Equal(t, want.Hash, got.Hash, what)
		again, err := c.Load(context.Background(), o)
		require.NoError(t, err)
		assert.Equal(t, want, again, what)
	}
	check("first load")
	hashes := map[string]bool{}
	step := func(what string, change func()) {
		t.Helper()
		change()
		check(what)
		p, err := c.Load(context.Background(), o)
		require.NoError(t, err)
		assert.False(t, hashes[p.Hash], "%s: a new configuration", what)
		hashes[p.Hash] = true
	}
	step("variable", func() { vars["TAG"] = "2" })
	step(".env appears", func() { write(".env", "DOTVAR=x\n") })
	step(".env changes", func() { write(".env", "DOTVAR=y\n") })
	step("env_file", func() { write("app.env", "A=2\n") })
	step("extends target", func() { write("base.yaml", "services:\n  common:\n    image: common:2\n") })
	step("override file appears", func() { write("compose.override.yaml", "services:\n  app:\n    labels: {x: y}\n") })
	step("compose file", func() { write("compose.yaml", "name: c\nservices:\n  app:\n    image: other\n") })
}

// TestCacheNeverHidesBadInput: a file broken after it was cached is
// refused, as without the cache.
func TestCacheNeverHidesBadInput(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(f, []byte("services:\n  a:\n    image: x\n"), 0o600))
	c := Cache{Dir: t.TempDir(), Stamp: "test"}
	o := Options{WorkingDir: dir, ProjectName: "p", Getenv: envOf(nil)}
	_, err := c.Load(context.Background(), o)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f, []byte("services:\n  a:\n    image: x\n    privileged: [\n"), 0o600))
	_, err = c.Load(context.Background(), o)
	require.Error(t, err)
}
