package lifecycle_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// secretsPlan plans one service mounting a secret from the environment
// and an inline config, as environment envID.
func secretsPlan(t *testing.T, envID string) *plan.Plan {
	t.Helper()
	s := svc("web", nil)
	s.Secrets = []compose.FileMount{{Source: "token", Target: "/run/secrets/token"}}
	s.Configs = []compose.FileMount{{Source: "app", Target: "/etc/app.conf"}}
	p := &compose.Project{Name: "t", Hash: "h", Services: []compose.Service{s},
		Networks: []compose.Network{{Name: "default"}},
		Secrets:  []compose.FileObject{{Name: "token", Environment: "TOKEN", Content: compose.NewSensitive([]byte("s3cret"))}},
		Configs:  []compose.FileObject{{Name: "app", Content: compose.NewSensitive([]byte("a = 1\n"))}},
		Notes:    []string{"services.web.container_name \"legacy\": an alias"},
	}
	pl, err := plan.Build(p, plan.Identity{EnvID: envID, Project: "t", Mode: plan.ModeShared}, time.Now())
	require.NoError(t, err)
	return pl
}

func TestUpWritesSecretsBeforeTheContainerAndTeardownRemovesThem(t *testing.T) {
	e := newFake(t)
	p := secretsPlan(t, "env-secrets")
	dir := filepath.Join(t.TempDir(), "files")
	block := e.Block(engine.OpContainerCreate)
	done := upAsync(t, e, p, lifecycle.UpOptions{FilesDir: dir})

	require.NoError(t, block.WaitHeld(t.Context(), 1))
	envDir := lifecycle.FilesPath(dir, "env-secrets")
	for name, want := range map[string]string{"secret-token": "s3cret", "config-app": "a = 1\n"} {
		b, err := os.ReadFile(filepath.Join(envDir, name))
		require.NoError(t, err, "%s is written before the container is created", name)
		assert.Equal(t, want, string(b))
		if runtime.GOOS != "windows" {
			fi, err := os.Stat(filepath.Join(envDir, name))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
		}
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(envDir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	}
	block.Release()
	require.NoError(t, result(t, done))

	c, err := e.ContainerInspect(t.Context(), "env-secrets-web-1")
	require.NoError(t, err)
	assert.Contains(t, c.Mounts, engine.Mount{Type: "bind", Source: filepath.Join(envDir, "secret-token"), Target: "/run/secrets/token", ReadOnly: true})
	assert.Contains(t, c.Mounts, engine.Mount{Type: "bind", Source: filepath.Join(envDir, "config-app"), Target: "/etc/app.conf", ReadOnly: true})

	_, err = lifecycle.Teardown(t.Context(), e, "env-secrets", lifecycle.TeardownOptions{FilesDir: dir})
	require.NoError(t, err)
	_, err = os.Stat(envDir)
	assert.ErrorIs(t, err, os.ErrNotExist, "the written files go with the environment")
}

func TestUpWithoutFilesDirCreatesNothing(t *testing.T) {
	e := newFake(t)
	err := lifecycle.Up(t.Context(), e, secretsPlan(t, "env-nodir"), lifecycle.UpOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no files directory")
	assert.Zero(t, e.Calls(engine.OpContainerCreate))
	assert.Zero(t, e.Calls(engine.OpNetworkCreate))
}

func TestUpSaysEachNoteOnceAndNeverTheContent(t *testing.T) {
	e := newFake(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	require.NoError(t, lifecycle.Up(t.Context(), e, secretsPlan(t, "env-notes"), lifecycle.UpOptions{FilesDir: t.TempDir(), Log: log}))
	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, `an alias`), out)
	assert.Contains(t, out, "level=WARN")
	assert.NotContains(t, out, "s3cret")
}
