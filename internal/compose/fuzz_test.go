package compose_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/internal/compose"
)

// FuzzLoad: whatever a compose file holds (x-berth included), Load returns
// a project or errors that are all *compose.Error (file, key, line) — never
// a panic, never an error berth cannot point at. Seeds: every bad file and
// a few good ones of the tests.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*.yaml")
	seeds = append(seeds, "testdata/full.yaml", "testdata/extends-base.yaml", "testdata/hash-a.yaml",
		"testdata/corpus/awesome-compose/wordpress-mysql/compose.yaml")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, doc string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := compose.Load(context.Background(), compose.Options{WorkingDir: dir, ProjectName: "fuzz",
			Getenv: func(string) string { return "" }})
		if err != nil && !allComposeErrors(err) {
			t.Fatalf("Load: an error that names no file and key: %T %v", err, err)
		}
	})
}

// allComposeErrors reports whether err, and every error it joins, is a
// *compose.Error.
func allComposeErrors(err error) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !allComposeErrors(e) {
				return false
			}
		}
		return true
	}
	var ce *compose.Error
	return errors.As(err, &ce)
}
