package fake_test

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// contextTar is a build context holding files (path -> content).
func contextTar(t *testing.T, files map[string]string) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return bytes.NewReader(buf.Bytes())
}

func strp(s string) *string { return &s }

func TestImageBuildInheritsAndSubstitutes(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	require.NoError(t, e.ImageImport(ctx, strings.NewReader("x"), "base:1", []string{"ENV FROM_BASE=1", "LABEL base=yes team=base"}))
	dockerfile := `# a comment
ARG BASE=base:1
FROM ${BASE}
ARG GREETING=default
ARG KEPT=kept
LABEL greeting=$GREETING \
      kept="${KEPT}" team=app
ENV MODE=test
COPY app.txt conf/ /srv/
RUN ["/app", "--check"]
`
	err := e.ImageBuild(ctx, engine.BuildSpec{
		Context: contextTar(t, map[string]string{"Dockerfile": dockerfile, "app.txt": "a", "conf/x.yaml": "x"}),
		Tags:    []string{"app:v1", "app:latest"},
		Args:    map[string]*string{"GREETING": strp("hi"), "KEPT": nil, "UNUSED": strp("u")},
		Labels:  map[string]string{"dev.berth.test": "run1", "team": "spec"},
	})
	require.NoError(t, err)

	im, err := e.ImageInspect(ctx, "app:v1")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"app:v1", "app:latest"}, im.RepoTags)
	assert.Equal(t, map[string]string{"base": "yes", "greeting": "hi", "kept": "kept", "team": "spec", "dev.berth.test": "run1"}, im.Labels)
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Image: "app"})
	require.NoError(t, err)
	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []string{"FROM_BASE=1", "MODE=test"}, c.Env)
}

func TestImageBuildTargetAndStages(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	dockerfile := "FROM scratch AS Build\nLABEL stage=build\nCOPY --from=elsewhere /nothere /x\n" +
		"FROM build AS final\nLABEL stage=final\nFROM nothere:1\n"
	err := e.ImageBuild(ctx, engine.BuildSpec{
		Context:    contextTar(t, map[string]string{"build/Dockerfile.multi": dockerfile}),
		Dockerfile: "./build/Dockerfile.multi",
		Target:     "FINAL",
		Tags:       []string{"multi:1"},
	})
	require.NoError(t, err, "stages after the target are not built")
	im, err := e.ImageInspect(ctx, "multi:1")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"stage": "final"}, im.Labels)

	require.NoError(t, e.ImageBuild(ctx, engine.BuildSpec{
		Context: contextTar(t, map[string]string{"Dockerfile": "FROM scratch\n"}),
	}), "an untagged build is allowed")
	dangling := 0
	for _, im := range images(t, e) {
		if len(im.RepoTags) == 0 {
			dangling++
		}
	}
	assert.Equal(t, 1, dangling)
}

func TestImageBuildFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string]string
		spec     engine.BuildSpec
		kind     error
		contains string
	}{
		{"no Dockerfile", map[string]string{"other": "FROM scratch"}, engine.BuildSpec{}, engine.ErrInvalid, "Cannot locate specified Dockerfile: Dockerfile"},
		{"named Dockerfile missing", map[string]string{"Dockerfile": "FROM scratch"}, engine.BuildSpec{Dockerfile: "ci.Dockerfile"}, engine.ErrInvalid, "Cannot locate specified Dockerfile: ci.Dockerfile"},
		{"unknown instruction", map[string]string{"Dockerfile": "FROM scratch\nBOGUS x\n"}, engine.BuildSpec{}, engine.ErrInvalid, "line 2: unknown instruction: BOGUS"},
		{"missing base", map[string]string{"Dockerfile": "FROM berth-nothere:1\n"}, engine.BuildSpec{}, engine.ErrNotFound, "pull access denied for berth-nothere"},
		{"missing base in an earlier stage", map[string]string{"Dockerfile": "FROM gone AS a\nFROM scratch\n"}, engine.BuildSpec{}, engine.ErrNotFound, "base image gone not found"},
		{"unknown target", map[string]string{"Dockerfile": "FROM scratch AS a\n"}, engine.BuildSpec{Target: "b"}, engine.ErrInvalid, "failed to reach build target b"},
		{"missing COPY source", map[string]string{"Dockerfile": "FROM scratch\nCOPY nothere /x\n"}, engine.BuildSpec{}, engine.ErrInvalid, "COPY failed: file not found in build context"},
		{"COPY without destination", map[string]string{"Dockerfile": "FROM scratch\nCOPY x\n"}, engine.BuildSpec{}, engine.ErrInvalid, "requires at least two arguments"},
		{"instruction before FROM", map[string]string{"Dockerfile": "LABEL a=b\nFROM scratch\n"}, engine.BuildSpec{}, engine.ErrInvalid, "before any FROM"},
		{"empty Dockerfile", map[string]string{"Dockerfile": "# nothing\n"}, engine.BuildSpec{}, engine.ErrInvalid, "no FROM"},
		{"bad FROM", map[string]string{"Dockerfile": "FROM a b\n"}, engine.BuildSpec{}, engine.ErrInvalid, "FROM requires either one or three arguments"},
		{"uppercase tag", map[string]string{"Dockerfile": "FROM scratch\n"}, engine.BuildSpec{Tags: []string{"App:1"}}, engine.ErrInvalid, "must be lowercase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFake(t)
			before := images(t, e)
			tc.spec.Context = contextTar(t, tc.files)
			err := e.ImageBuild(t.Context(), tc.spec)
			require.ErrorIs(t, err, tc.kind)
			assert.Contains(t, err.Error(), tc.contains)
			assert.Len(t, images(t, e), len(before), "a failed build creates no image")
		})
	}
}

func TestImageBuildBadContext(t *testing.T) {
	e := newFake(t)
	err := e.ImageBuild(t.Context(), engine.BuildSpec{Context: strings.NewReader(strings.Repeat("not a tar ", 100))})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "Error processing tar file")
	require.ErrorIs(t, e.ImageBuild(t.Context(), engine.BuildSpec{}), engine.ErrInvalid, "no context")
	assert.Equal(t, 2, e.Calls(engine.OpImageBuild))
}
