package lifecycle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

func writeDockerfile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "Dockerfile")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

// Only a syntax directive among the parser directives at the top counts.
func TestSyntaxImage(t *testing.T) {
	for body, want := range map[string]string{
		"# syntax=docker/dockerfile:1\nFROM x\n":              "docker/dockerfile:1",
		"#escape=`\n#  SYNTAX = reg.test/fe:2 \nFROM x\n":     "reg.test/fe:2",
		"FROM x\n# syntax=docker/dockerfile:1\n":              "",
		"# a comment\n# syntax=docker/dockerfile:1\nFROM x\n": "",
		"": "",
	} {
		assert.Equal(t, want, syntaxImage(writeDockerfile(t, body)), "%q", body)
	}
	assert.Empty(t, syntaxImage(filepath.Join(t.TempDir(), "missing")))
}

// A frontend image that can be pulled is pulled (through the engine's
// pull, which the gate shares between processes) and honoured; one that
// cannot gives the fallback notice.
func TestFrontendNoticePullsOrFallsBack(t *testing.T) {
	e := fake.New()
	e.Publish("registry.test/fe:1", 100)
	ok := writeDockerfile(t, "# syntax=registry.test/fe:1\nFROM x\n")
	assert.Empty(t, frontendNotice(t.Context(), e, ok))
	assert.Equal(t, 1, e.Calls(engine.OpImagePull))
	assert.Empty(t, frontendNotice(t.Context(), e, ok), "present: no second pull")
	assert.Equal(t, 1, e.Calls(engine.OpImagePull))

	missing := writeDockerfile(t, "# syntax=registry.test/none:1\nFROM x\n")
	n := frontendNotice(t.Context(), e, missing)
	assert.Contains(t, n, "the Dockerfile frontend registry.test/none:1 named by \"# syntax=\" could not be pulled")
	assert.Contains(t, n, "building with the daemon's built-in Dockerfile frontend")
	assert.Empty(t, frontendNotice(t.Context(), e, writeDockerfile(t, "FROM x\n")), "no directive, no pull")
}
