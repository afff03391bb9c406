package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testLabel marks every resource the integration tests create; its value is
// unique per test, so cleanup removes exactly what the test made.
const testLabel = "dev.berth.test"

// integrationEngine returns an Engine on the real daemon and a unique run
// label value. It skips the test when the daemon is unreachable, unless
// BERTH_INTEGRATION is set, in which case it fails. Everything carrying the
// label is removed (without force) when the test ends.
func integrationEngine(t *testing.T) (*Engine, string) {
	t.Helper()
	e, err := New(Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.Ping(ctx); err != nil {
		if os.Getenv("BERTH_INTEGRATION") == "" {
			t.Skipf("docker daemon unreachable at %s (set BERTH_INTEGRATION=1 to fail instead): %v", e.Endpoint(), err)
		}
		require.NoError(t, err, "BERTH_INTEGRATION is set but the daemon at %s is unreachable", e.Endpoint())
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	run := strings.ToLower(t.Name()[:min(len(t.Name()), 20)]) + "-" + hex.EncodeToString(b)
	run = strings.NewReplacer("/", "-", "_", "-").Replace(run)
	t.Cleanup(func() { removeLabelled(t, e, run) })
	return e, run
}

// removeLabelled stops and removes, without force, every container,
// network, volume and image carrying testLabel=run.
func removeLabelled(t *testing.T, e *Engine, run string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sel := engine.ListFilter{All: true, Labels: map[string]string{testLabel: run}}
	var errs []error
	ctrs, err := e.ContainerList(ctx, sel)
	errs = append(errs, err)
	for _, c := range ctrs {
		zero := time.Duration(0)
		errs = append(errs, ignoreNotFound(e.ContainerStop(ctx, c.ID, engine.StopOptions{Timeout: &zero})))
		errs = append(errs, ignoreNotFound(e.ContainerRemove(ctx, c.ID, engine.RemoveOptions{Volumes: true})))
	}
	nets, err := e.NetworkList(ctx, sel)
	errs = append(errs, err)
	for _, n := range nets {
		errs = append(errs, ignoreNotFound(e.NetworkRemove(ctx, n.ID)))
	}
	vols, err := e.VolumeList(ctx, sel)
	errs = append(errs, err)
	for _, v := range vols {
		errs = append(errs, ignoreNotFound(e.VolumeRemove(ctx, v.Name)))
	}
	imgs, err := e.ImageList(ctx, engine.ListFilter{Labels: sel.Labels})
	errs = append(errs, err)
	for _, i := range imgs {
		for _, tag := range i.RepoTags {
			errs = append(errs, ignoreNotFound(e.ImageRemove(ctx, tag)))
		}
	}
	assert.NoError(t, errors.Join(errs...), "clean up resources labelled %s=%s", testLabel, run)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func TestIntegrationSystemAndNetworks(t *testing.T) {
	e, run := integrationEngine(t)
	ctx := context.Background()

	v, err := e.Version(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, v.ServerVersion)
	assert.NotEmpty(t, v.APIVersion)
	info, err := e.Info(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, info.ID)
	_, err = e.DiskUsage(ctx)
	require.NoError(t, err)

	labels := map[string]string{testLabel: run}
	spec := engine.NetworkSpec{Name: "berth-it-" + run, Labels: labels, CheckDuplicate: true}
	id, err := e.NetworkCreate(ctx, spec)
	require.NoError(t, err)

	_, err = e.NetworkCreate(ctx, spec)
	require.ErrorIs(t, err, engine.ErrConflict, "a second network of the same name must be refused")

	n, err := e.NetworkInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, spec.Name, n.Name)
	assert.Equal(t, "bridge", n.Driver)
	assert.WithinDuration(t, time.Now(), n.Created, time.Minute)
	assert.Equal(t, run, n.Labels[testLabel])
	assert.Empty(t, n.Containers)

	list, err := e.NetworkList(ctx, engine.ListFilter{Labels: labels})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, id, list[0].ID)

	require.NoError(t, e.NetworkRemove(ctx, id))
	_, err = e.NetworkInspect(ctx, id)
	require.ErrorIs(t, err, engine.ErrNotFound)
	require.ErrorIs(t, e.NetworkRemove(ctx, id), engine.ErrNotFound)
}

// buildSleeperImage compiles testdata/sleeper statically and imports it as
// an image labelled for this run. It returns the image reference.
func buildSleeperImage(t *testing.T, e *Engine, run string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the sleeper image is built for the host's architecture, Linux only")
	}
	bin := filepath.Join(t.TempDir(), "sleeper")
	cmd := exec.Command("go", "build", "-o", bin, "./testdata/sleeper")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build sleeper: %s", out)
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "sleeper", Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}))
	_, err = tw.Write(data)
	require.NoError(t, err)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "tmp/", Mode: 0o1777, Typeflag: tar.TypeDir}))
	require.NoError(t, tw.Close())

	ref := "berth-sleeper:" + run
	require.NoError(t, e.ImageImport(context.Background(), &buf, ref,
		[]string{`ENTRYPOINT ["/sleeper"]`, "LABEL " + testLabel + "=" + run}))
	return ref
}
