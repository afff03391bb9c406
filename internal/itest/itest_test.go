package itest

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recTB records how a helper ended a test instead of ending the real one.
type recTB struct {
	testing.TB
	skipped, failed string
	cleanups        []func()
}

func (r *recTB) Helper()             {}
func (r *recTB) Name() string        { return "Fake" }
func (r *recTB) Cleanup(f func())    { r.cleanups = append(r.cleanups, f) }
func (r *recTB) Logf(string, ...any) {}
func (r *recTB) Skipf(f string, a ...any) {
	r.skipped = fmt.Sprintf(f, a...)
	runtime.Goexit()
}
func (r *recTB) Fatalf(f string, a ...any) {
	r.failed = fmt.Sprintf(f, a...)
	runtime.Goexit()
}

// run calls f with r in its own goroutine, as the testing package would,
// so Goexit ends only f; then it runs r's cleanups.
func (r *recTB) run(f func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	for _, c := range r.cleanups {
		c()
	}
}

func TestEngineSkipsWithoutDaemon(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/berth-itest.sock")
	t.Setenv(EnvIntegration, "")
	r := &recTB{TB: t}
	r.run(func(tb testing.TB) { Engine(tb) })
	assert.Empty(t, r.failed)
	assert.Contains(t, r.skipped, "no Docker daemon")
	assert.Contains(t, r.skipped, "berth-itest.sock")
}

func TestEngineFailsWithoutDaemonWhenRequired(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/berth-itest.sock")
	t.Setenv(EnvIntegration, "1")
	r := &recTB{TB: t}
	r.run(func(tb testing.TB) { Engine(tb) })
	assert.Empty(t, r.skipped)
	assert.Contains(t, r.failed, "needs a Docker daemon")
}

func TestLabelIsStablePerTestAndUnique(t *testing.T) {
	l := Label(t)
	require.Len(t, l, 1)
	assert.Equal(t, l, Label(t))
	assert.True(t, strings.HasPrefix(l[LabelKey], t.Name()+"."), l[LabelKey])
	t.Run("sub", func(t *testing.T) {
		assert.NotEqual(t, l[LabelKey], Label(t)[LabelKey])
	})
	assert.NotEqual(t, runID, newRunID())
}

func TestIntegrationEngineAndImage(t *testing.T) {
	e := Engine(t)
	ref := Image(t, e)
	assert.Regexp(t, regexp.MustCompile(`^berth-testsvc:[0-9a-f]{12}$`), ref)
	assert.Equal(t, ref, Image(t, e), "cached for the process")
	img, err := e.ImageInspect(t.Context(), ref)
	require.NoError(t, err)
	assert.Equal(t, "1", img.Labels["dev.berth.test-image"])
}
