package docker

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bkclient "github.com/moby/buildkit/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func strp(s string) *string { return &s }

// The spec maps to the Dockerfile frontend's attributes, the context and
// Dockerfile to local mounts, and the tags to the moby exporter.
func TestSolveOptMapsTheSpec(t *testing.T) {
	dir := t.TempDir()
	spec := engine.BuildSpec{Dir: dir, DockerfilePath: filepath.Join(dir, "ci", "app.Dockerfile"),
		Tags: []string{"berth/p-web:1", "alias:2"}, Args: map[string]*string{"A": strp("1"), "UNSET": nil},
		Target: "prod", Labels: map[string]string{"k": "v"}, ExtraHosts: []string{"db=10.0.0.2"},
		NoCache: true, Pull: true, Network: "none", IgnoreSyntax: true,
		Secrets: []engine.BuildSecret{{ID: "token", Data: []byte("x")}}}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "ci"), 0o755))
	opt, err := solveOpt(spec, false, "1.41")
	require.NoError(t, err)
	assert.Equal(t, dockerfileFrontend, opt.Frontend)
	assert.Equal(t, map[string]string{"filename": "app.Dockerfile", "build-arg:A": "1", "label:k": "v",
		"target": "prod", "no-cache": "", "image-resolve-mode": "pull", "add-hosts": "db=10.0.0.2",
		"force-network-mode": "none", "cmdline": ""}, opt.FrontendAttrs)
	assert.ElementsMatch(t, []string{localContext, localDockerfile}, keysOf(opt.LocalMounts))
	require.Len(t, opt.Exports, 1)
	assert.Equal(t, "moby", opt.Exports[0].Type)
	assert.Equal(t, "berth/p-web:1,alias:2", opt.Exports[0].Attrs["name"])
	assert.Len(t, opt.Session, 2, "registry credentials and the secrets")
}

// Options the daemon's built-in frontend cannot honour are refused naming
// the key and the API versions; a network BuildKit does not have too.
func TestSolveOptRefusesWhatTheFrontendLacks(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		spec engine.BuildSpec
		want string
	}{
		{engine.BuildSpec{Dir: dir, AdditionalContexts: map[string]string{"lib": dir}}, "additional_contexts: the daemon's built-in BuildKit Dockerfile frontend does not support it (it needs Docker 23 or later, API 1.42; this daemon speaks API 1.41)"},
		{engine.BuildSpec{Dir: dir, ShmSize: 1 << 20}, "shm_size: "},
		{engine.BuildSpec{Dir: dir, Network: "backend"}, `network "backend"`},
	} {
		_, err := solveOpt(tc.spec, false, "1.41")
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	opt, err := solveOpt(engine.BuildSpec{Dir: dir, AdditionalContexts: map[string]string{"lib": dir}, ShmSize: 1 << 20}, true, "1.47")
	require.NoError(t, err)
	assert.Equal(t, "local:berth-ctx-lib", opt.FrontendAttrs["context:lib"])
	assert.Equal(t, "1048576", opt.FrontendAttrs["shm-size"])
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The tracker reports the user's steps (not BuildKit's bookkeeping) as
// they start and end, cached or with their time, and keeps the failed
// step's output for the error, which names the Dockerfile's line.
func TestStepTrackerAndFailure(t *testing.T) {
	var got []engine.BuildProgress
	tr := newStepTracker(func(p engine.BuildProgress) { got = append(got, p) })
	t0 := time.Unix(100, 0)
	t1, t2 := t0.Add(time.Second), t0.Add(3*time.Second)
	tr.add(&bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{
		{Digest: "sha256:i", Name: "[internal] load .dockerignore", Started: &t0, Completed: &t0},
		{Digest: "sha256:a", Name: "[1/2] FROM base", Started: &t0, Completed: &t0, Cached: true},
		{Digest: "sha256:b", Name: "[2/2] RUN  make  all", Started: &t1},
	}})
	tr.add(&bkclient.SolveStatus{
		Vertexes: []*bkclient.Vertex{{Digest: "sha256:b", Name: "[2/2] RUN  make  all", Started: &t1, Completed: &t2, Error: "exit code: 2"}},
		Logs:     []*bkclient.VertexLog{{Vertex: "sha256:b", Data: []byte("compiling\nerror: boom\n")}},
	})
	assert.Equal(t, []engine.BuildProgress{
		{Builder: engine.BuilderBuildKit, Step: "[1/2] FROM base", Done: true, Cached: true},
		{Builder: engine.BuilderBuildKit, Step: "[2/2] RUN  make  all"},
		{Builder: engine.BuilderBuildKit, Step: "[2/2] RUN  make  all", Done: true, Elapsed: 2 * time.Second},
	}, got)

	df := filepath.Join(t.TempDir(), "Dockerfile")
	require.NoError(t, os.WriteFile(df, []byte("FROM base\n\nRUN make all\n"), 0o600))
	err := buildKitFailure("app:1", df, tr, errors.New("process did not complete successfully: exit code: 2"))
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "Dockerfile "+df+`, line 3: step "[2/2] RUN  make  all" failed`)
	assert.Contains(t, err.Error(), "  error: boom")

	parse := buildKitFailure("app:1", df, newStepTracker(nil), errors.New("failed to create LLB definition: dockerfile parse error line 2: unknown instruction: RUNN"))
	assert.Contains(t, parse.Error(), "Dockerfile "+df+", line 2: ")
}

// A daemon without BuildKit (its /grpc refuses the upgrade) gets the
// classic builder, and the build says so once; the probe is not repeated.
func TestImageBuildFallsBackToClassicWithoutBuildKit(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if strings.HasSuffix(r.URL.Path, "/grpc") {
			http.NotFound(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		streamLines(w, `{"stream":"Step 1/1 : FROM base:1"}`, `{"stream":"Successfully built abc\n"}`)
	})
	var got []engine.BuildProgress
	spec := buildSpec("app:1")
	spec.Dir = t.TempDir()
	spec.Progress = func(p engine.BuildProgress) { got = append(got, p) }
	require.NoError(t, e.ImageBuild(context.Background(), spec))
	require.NoError(t, e.ImageBuild(context.Background(), buildSpec("app:2")))
	require.NotEmpty(t, got)
	assert.Equal(t, engine.BuilderClassic, got[0].Builder)
	assert.Contains(t, got[0].Notice, "does not offer BuildKit")
	builds := 0
	for _, r := range rec.all() {
		switch r.Path {
		case "/v1.41/build":
			builds++
		case "/grpc":
			assert.Zero(t, builds, "the daemon is probed once, before the first build")
		default:
			t.Errorf("unexpected request %s", r.Path)
		}
	}
	assert.Equal(t, 2, builds, "classic builds")
}

// The classic builder's output becomes step reports too: each step ends
// when the next starts, cached when the builder used its cache.
func TestClassicBuildReportsSteps(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		streamLines(w, `{"stream":"Step 1/2 : FROM base:1"}`, `{"stream":"\n"}`, `{"stream":" ---\u003e abc\n"}`,
			`{"stream":"Step 2/2 : RUN make\n"}`, `{"stream":" ---\u003e Using cache\n"}`, `{"stream":" ---\u003e def\n"}`,
			`{"stream":"Successfully built def\n"}`)
	})
	var got []engine.BuildProgress
	spec := buildSpec("app:1")
	spec.Progress = func(p engine.BuildProgress) {
		p.Elapsed = 0
		got = append(got, p)
	}
	require.NoError(t, e.ImageBuild(context.Background(), spec))
	c := engine.BuilderClassic
	assert.Equal(t, []engine.BuildProgress{{Builder: c}, {Builder: c, Step: "[1/2] FROM base:1"},
		{Builder: c, Step: "[1/2] FROM base:1", Done: true}, {Builder: c, Step: "[2/2] RUN make"},
		{Builder: c, Step: "[2/2] RUN make", Done: true, Cached: true}}, got)
}
