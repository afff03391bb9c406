package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/plan"
)

// withBuildSecret is demo with api's build mounting secret "token" from
// source (a file, or a variable holding content).
func withBuildSecret(file, env, content string) *compose.Project {
	p := demo()
	p.Secrets = []compose.FileObject{{Name: "token", File: file, Environment: env, Content: compose.NewSensitive([]byte(content))}}
	b := *p.Services[0].Build
	b.Secrets = []compose.BuildSecret{{ID: "npm", Source: "token"}}
	p.Services[0].Build = &b
	return p
}

func buildTag(t *testing.T, p *compose.Project) plan.BuildPlan {
	t.Helper()
	pl, err := plan.Build(p, ident(plan.ModeShared), now)
	require.NoError(t, err)
	require.Len(t, pl.Builds, 1)
	return pl.Builds[0]
}

// The image's tag covers the build's secrets' sources, never their
// content; a build without the newer keys keeps the tag it had.
func TestBuildTagCoversSecretSourcesNotContent(t *testing.T) {
	plain := buildTag(t, demo())
	assert.Equal(t, "berth/demo-api:", plain.Tag[:len("berth/demo-api:")])

	a := buildTag(t, withBuildSecret("", "NPM_TOKEN", "one"))
	b := buildTag(t, withBuildSecret("", "NPM_TOKEN", "two"))
	c := buildTag(t, withBuildSecret("", "OTHER", "one"))
	d := buildTag(t, withBuildSecret("/src/token.txt", "", ""))
	assert.Equal(t, a.Tag, b.Tag, "a changed secret value is the same build")
	assert.NotEqual(t, a.Tag, c.Tag, "another source is another build")
	assert.NotEqual(t, a.Tag, d.Tag)
	assert.NotEqual(t, plain.Tag, a.Tag)
	assert.Equal(t, []plan.BuildSecret{{ID: "npm", File: "/src/token.txt"}}, []plan.BuildSecret{{ID: d.Secrets[0].ID, File: d.Secrets[0].File}})
	assert.Equal(t, "one", string(a.Secrets[0].Content.Bytes()))

	inline := demo()
	inline.Services[0].Build.DockerfileInline = "FROM scratch\n"
	assert.NotEqual(t, plain.Tag, buildTag(t, inline).Tag, "dockerfile_inline is part of the identity")
}
