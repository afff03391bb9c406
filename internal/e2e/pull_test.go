package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
)

// TestUpPullsAndTenRunnersPullOnce: an image in a registry, not on the
// daemon: berth up pulls it and the stack comes up. Removed again, ten
// concurrent berth run with BERTH_SHARED=false (ten dedicated copies, so
// one pull is the gate's doing, not a shared environment's) cause exactly
// one pull, counted from the daemon's own pull events.
func TestUpPullsAndTenRunnersPullOnce(t *testing.T) {
	w := newWorld(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{})
	ref := w.push(reg, "v1", 2, 256<<10)
	file := w.pullStack(ref, "")

	log := w.watchPulls()
	r := w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "app: pulling "+ref)
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, log.finish(t, w.e, ref), "berth up pulled the image")

	w.removeImage(ref)
	w.env = append(w.env, "BERTH_SHARED=false")
	log = w.watchPulls()
	results := w.runAll(10, append([]string{"run", "-f", file, "-p", w.project, "--"}, checkCmd()...)...)
	pulls := log.finish(t, w.e, ref)
	for i, r := range results {
		assert.Equal(t, 0, r.code, "run %d: %s", i, r.stderr)
		assert.Contains(t, r.stdout, "ready", "run %d reached its service", i)
	}
	t.Logf("10 dedicated runs of a stack whose image was missing: %d pull(s) of %s", pulls, ref)
	assert.Equal(t, 1, pulls, "one pull for ten runners")
	assert.Empty(t, w.leftovers(t.Context()))
}

// TestPullProgress: berth pull shows each layer on a terminal (run in
// tmux, the screen captured) and writes plain lines when piped.
func TestPullProgress(t *testing.T) {
	w := newWorld(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{})
	ref := w.push(reg, "v1", 2, 256<<10)
	file := w.pullStack(ref, "")

	r := w.run("pull", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	t.Logf("piped:\n%s", r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "app: pulling\n"), "the pull starts")
	assert.GreaterOrEqual(t, strings.Count(r.stderr, "app: pulling "+ref+": "), 3, "a line each time another layer completes")
	assert.Contains(t, r.stderr, "app: pulling "+ref+": 4/4 layers")
	assert.Contains(t, r.stderr, "app: pulled after ")
	assert.NotContains(t, r.stderr, "\x1b[", "no terminal control codes in a pipe")

	w.removeImage(ref)
	screen := w.onTerminal("pull", "-f", file, "-p", w.project)
	t.Logf("terminal:\n%s", screen)
	assert.Contains(t, screen, "✔ app  pulled")
	assert.Contains(t, screen, ref+": 4/4 layers")
	assert.Equal(t, 1, strings.Count(screen, "app"), "the line is redrawn in place, not repeated")
}

// TestPullCredentials: a registry with basic auth. Credentials from a
// docker config in DOCKER_CONFIG work; none or wrong ones fail with exit 3
// naming the registry and authentication, creating nothing; an image the
// registry lacks fails with exit 3 naming the reference and "not found".
func TestPullCredentials(t *testing.T) {
	w := newWorld(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{Auth: true})
	ref := w.push(reg, "v1", 0, 0)
	file := w.pullStack(ref, "")

	for _, tc := range []struct{ name, config string }{
		{"no credentials", w.t.TempDir()},
		{"wrong password", w.dockerConfig(reg.Addr, reg.User, "not-"+reg.Password)},
	} {
		r := w.runEnv([]string{"DOCKER_CONFIG=" + tc.config}, "up", "-f", file, "-p", w.project)
		assert.Equal(t, 3, r.code, "%s: %s", tc.name, r.stderr)
		assert.Contains(t, r.stderr, "image "+ref+" for service app from registry "+reg.Addr+": authentication failed", tc.name)
		assert.Empty(t, w.leftovers(t.Context()), "%s: nothing created", tc.name)
	}
	good := w.dockerConfig(reg.Addr, reg.User, reg.Password)
	r := w.runEnv([]string{"DOCKER_CONFIG=" + good}, "up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	r = w.runEnv([]string{"DOCKER_CONFIG=" + good}, "down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)

	missing := reg.Addr + "/" + w.repo() + ":missing"
	r = w.runEnv([]string{"DOCKER_CONFIG=" + good}, "up", "-f", w.pullStack(missing, ""), "-p", w.project+"x")
	assert.Equal(t, 3, r.code, r.stderr)
	assert.Contains(t, r.stderr, "image "+missing+" for service app from registry "+reg.Addr+": not found")
}

// TestPullPolicyNeverAndAlways: never with the image absent exits 3 naming
// the image and the policy; always pulls even when the image is present.
func TestPullPolicyNeverAndAlways(t *testing.T) {
	w := newWorld(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{})
	ref := w.push(reg, "v1", 0, 0)

	r := w.run("up", "-f", w.pullStack(ref, "never"), "-p", w.project)
	assert.Equal(t, 3, r.code, r.stderr)
	assert.Contains(t, r.stderr, "image "+ref+" for service app")
	assert.Contains(t, r.stderr, "pull policy is never")
	assert.Empty(t, w.leftovers(t.Context()))

	r = w.run("pull", "-f", w.pullStack(ref, ""), "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	log := w.watchPulls()
	file := w.pullStack(ref, "always")
	r = w.run("up", "-f", file, "-p", w.project)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, log.finish(t, w.e, ref), "always pulls an image that is present")
	r = w.run("down", "-f", file, "-p", w.project, "--now")
	require.Equal(t, 0, r.code, r.stderr)
}
