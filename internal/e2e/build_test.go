package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// builtLine is the summary berth prints once a build is done.
var builtLine = regexp.MustCompile(`app: built with (\S+): (\d+) steps, (\d+) cached, in (\S+)`)

// TestUpBuildsWithBuildKitSecretsAndCache: a service built from a
// Dockerfile with RUN --mount=type=cache and RUN --mount=type=secret (the
// secret from a file named in build.secrets), FROM a local busybox image:
// berth up builds it through the daemon's BuildKit and the service runs;
// the secret is neither in the image's history nor in its filesystem.
// With the built image removed, the next up of the unchanged stack builds
// again from BuildKit's cache: every step cached.
func TestUpBuildsWithBuildKitSecretsAndCache(t *testing.T) {
	w := newWorld(t)
	w.removeBuiltImages()
	file := w.buildStack(itest.Busybox(t, w.e), sampleDockerfile, "")
	w.downAtEnd(file)

	r := w.run("up", "-f", file, "-p", w.project, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	t.Logf("cold build:\n%s", r.stderr)
	assert.Contains(t, r.stderr, "app: building with BuildKit")
	assert.Regexp(t, `app: build \[(stage-0 )?3/5\] RUN --mount=type=secret,id=token .*: ran `, r.stderr)
	for _, s := range regexp.MustCompile(`app: build \[(stage-0 )?[2-5]/5\] [^\n]*`).FindAllString(r.stderr, -1) {
		assert.NotContains(t, s, ": cached", "a step new to BuildKit runs: %s", s)
	}
	cold := builtLine.FindStringSubmatch(r.stderr)
	require.NotNil(t, cold, "the build's summary")
	var up struct {
		Env string `json:"env"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &up), r.stdout)
	tag := w.container(t, up.Env, "app").Image

	history := dockerCLI(t, "image", "history", "--no-trunc", "--format", "{{.CreatedBy}}", tag)
	assert.Contains(t, history, "/run/secrets/token", "the history holds the secret's step")
	assert.NotContains(t, history, buildSecret, "the secret is not in the image's history")
	r = w.run("exec", "app", "-T", "-f", file, "-p", w.project, "--", "sh", "-c",
		"cat /www/secret-checked; ls /run/secrets; grep -rl "+buildSecret+" /bin /etc /www /root /tmp /run; echo grep-exit=$?")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "secret-seen", "the build saw the secret")
	assert.Contains(t, r.stdout, "grep-exit=1", "no file of the image holds the secret: %s", r.stdout)
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)

	w.removeImage(tag)
	r = w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	t.Logf("cached build:\n%s", r.stderr)
	// Every step after FROM (the local base image, resolved anew) is reused.
	steps := regexp.MustCompile(`app: build \[(stage-0 )?[2-5]/5\] [^\n]*`).FindAllString(r.stderr, -1)
	require.Len(t, steps, 4, "four steps after FROM reported")
	for _, s := range steps {
		assert.True(t, strings.HasSuffix(s, ": cached"), "step reused from BuildKit's cache: %s", s)
	}
	cached := builtLine.FindStringSubmatch(r.stderr)
	require.NotNil(t, cached, "the build's summary")
	t.Logf("figures: cold build %s (%s/%s steps cached), cached build %s (%s/%s steps cached)",
		cold[4], cold[3], cold[2], cached[4], cached[3], cached[2])
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, w.leftovers(t.Context()))
}

// TestTenRunnersBuildOnce: ten concurrent berth run with BERTH_SHARED=false
// (ten dedicated copies, so one build is the gate's doing, not a shared
// environment's) of a stack whose image must be built: exactly one build,
// counted outside berth as BuildKit connections at a proxy in front of the
// daemon (Docker 20.10 has no build events): one /grpc connection, one
// session. All ten pass.
func TestTenRunnersBuildOnce(t *testing.T) {
	w := newWorld(t)
	w.removeBuiltImages()
	file := w.buildStack(itest.Busybox(t, w.e), sampleDockerfile, "")
	proxy := startHijackProxy(t, w.e)
	w.env = append(w.env, "BERTH_SHARED=false", "DOCKER_HOST="+proxy.host())

	results := w.runAll(10, append([]string{"run", "-f", file, "-p", w.project, "--"}, checkCmd()...)...)
	built, waited := 0, 0
	for i, r := range results {
		assert.Equal(t, 0, r.code, "run %d: %s", i, r.stderr)
		assert.Contains(t, r.stdout, "ready", "run %d reached its service", i)
		if strings.Contains(r.stderr, "app: building with BuildKit") {
			built++
		}
		if strings.Contains(r.stderr, "app: build: another berth process built it") {
			waited++
		}
	}
	t.Logf("10 dedicated runs of a stack to build: %d BuildKit session(s), %d /grpc connection(s), %d run(s) built, %d took another's build",
		proxy.session.Load(), proxy.grpc.Load(), built, waited)
	assert.Equal(t, int64(1), proxy.session.Load(), "one build session for ten runners")
	assert.Equal(t, int64(1), proxy.grpc.Load(), "one connection to BuildKit")
	assert.Equal(t, 1, built)
	assert.Empty(t, w.leftovers(t.Context()))
}

// TestBuildFailuresNameStepAndLine: a Dockerfile with a syntax error and
// one whose RUN fails exit 3, naming the Dockerfile, the line and (for
// the RUN) the step with its last output lines; nothing is left.
// additional_contexts on a daemon whose frontend lacks them exits 3 naming
// the key. A
// "# syntax=" frontend image that cannot be pulled falls back to the
// daemon's built-in frontend with a notice, and the build succeeds.
func TestBuildFailuresNameStepAndLine(t *testing.T) {
	w := newWorld(t)
	w.removeBuiltImages()
	base := itest.Busybox(t, w.e)

	file := w.buildStack(base, "FROM %BASE%\nRUN echo fine\nRUNN echo typo\n", "")
	r := w.run("up", "-f", file, "-p", w.project)
	t.Logf("syntax error:\n%s", r.stderr)
	assert.Equal(t, 3, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Dockerfile "+strings.TrimSuffix(file, "compose.yaml")+"Dockerfile, line 3")
	assert.Contains(t, r.stderr, "RUNN")
	assert.Empty(t, w.leftovers(t.Context()))

	file = w.buildStack(base, "FROM %BASE%\nRUN echo fine\nRUN sh -c 'echo first words; echo last words >&2; exit 7'\nRUN echo never\n", "")
	r = w.run("up", "-f", file, "-p", w.project)
	t.Logf("failing RUN:\n%s", r.stderr)
	assert.Equal(t, 3, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Dockerfile "+strings.TrimSuffix(file, "compose.yaml")+"Dockerfile, line 3")
	assert.Regexp(t, `step "\[(stage-0 )?3/4\] RUN sh -c 'echo first words; echo last words >&2; exit 7'" failed`, r.stderr)
	assert.Contains(t, r.stderr, "last words")
	assert.Empty(t, w.leftovers(t.Context()))

	// Docker 20.10's built-in frontend has no named contexts: refused,
	// naming the key and why.
	file = w.buildStack(base, "FROM %BASE%\nCOPY --from=lib app.txt /www/\n", "      additional_contexts: {lib: .}\n")
	r = w.run("up", "-f", file, "-p", w.project)
	t.Logf("additional_contexts:\n%s", r.stderr)
	if w.apiBefore(t, "1.42") {
		assert.Equal(t, 3, r.code, r.stderr)
		assert.Contains(t, r.stderr, "additional_contexts: the daemon's built-in BuildKit Dockerfile frontend does not support it")
	} else {
		assert.Equal(t, 0, r.code, r.stderr)
		w.downAtEnd(file)
	}
	assert.Empty(t, w.leftovers(t.Context()))

	file = w.buildStack(base, "# syntax=127.0.0.1:1/berth-e2e/no-frontend:1\nFROM %BASE%\nRUN echo ok > /www/healthz\n", "")
	w.downAtEnd(file)
	r = w.run("up", "-f", file, "-p", w.project)
	t.Logf("unreachable frontend:\n%s", r.stderr)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "app: build: the Dockerfile frontend 127.0.0.1:1/berth-e2e/no-frontend:1 named by \"# syntax=\" could not be pulled")
	assert.Contains(t, r.stderr, "building with the daemon's built-in Dockerfile frontend")
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, w.leftovers(t.Context()))
}
