package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadXBerth(t *testing.T) {
	p := load(t, Options{Files: []string{"xberth.yaml"}})
	d := func(v time.Duration) *time.Duration { return &v }
	three := 3
	assert.Equal(t, XBerth{
		Linger:     d(2 * time.Minute),
		StaleAfter: d(4 * time.Hour), // plain seconds
		Readiness:  ReadinessEngine,
		Restart:    XRestart{Cooldown: d(30 * time.Second), MaxAttempts: &three, Window: d(5 * time.Minute)},
		Memory:     map[string]int64{"backend": 1536 << 20},
		Production: XProduction{
			Images: map[string]string{"backend": "registry.local/backend:prod"},
			File:   "xberth.prod.yaml",
		},
	}, p.Berth)
	assert.Equal(t, int64(1536<<20), service(t, p, "backend").MemoryLimit, "x-berth.memory overrides mem_limit")
}

func TestLoadProductionOverrides(t *testing.T) {
	off := load(t, Options{Files: []string{"xberth.yaml"}})
	backend := service(t, off, "backend")
	assert.Empty(t, backend.Image)
	require.NotNil(t, backend.Build)
	assert.Empty(t, service(t, off, "frontend").Environment, "production file not merged")
	assert.Len(t, off.Files, 1)

	on := load(t, Options{Files: []string{"xberth.yaml"}, Production: true})
	backend = service(t, on, "backend")
	assert.Equal(t, "registry.local/backend:prod", backend.Image)
	assert.Nil(t, backend.Build, "an image override drops the build")
	assert.Equal(t, []string{"NODE_ENV=production"}, service(t, on, "frontend").Environment, "production file merged last")
	assert.Len(t, on.Files, 2)
	assert.NotEqual(t, off.Hash, on.Hash)
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   any
		want time.Duration
		err  bool
	}{
		{in: "30s", want: 30 * time.Second},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "90", want: 90 * time.Second},
		{in: 90, want: 90 * time.Second},
		{in: 1.5, want: 1500 * time.Millisecond},
		{in: "0", want: 0},
		{in: "soon", err: true},
		{in: "-5s", err: true},
		{in: -1, err: true},
		{in: true, err: true},
		// 2^63 ns as seconds: once wrapped to a negative linger.
		{in: "9223372036.854776", err: true},
		{in: 9223372036.854776, err: true},
		{in: "inf", err: true},
		{in: "9223372036", want: 9223372036 * time.Second},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if tt.err {
			assert.Error(t, err, "%v", tt.in)
			continue
		}
		require.NoError(t, err, "%v", tt.in)
		assert.Equal(t, tt.want, got, "%v", tt.in)
	}
}

// TestXBerthPoolSizeIsNotHashed: x-berth.pool.size is read, and resizing
// the pool is not a new configuration.
func TestXBerthPoolSizeIsNotHashed(t *testing.T) {
	dir := t.TempDir()
	write := func(size string) *Project {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"),
			[]byte("name: p\nx-berth:\n  pool: {size: "+size+"}\nservices:\n  a: {image: x}\n"), 0o600))
		return load(t, Options{WorkingDir: dir})
	}
	two, three := write("2"), write("3")
	require.NotNil(t, two.Berth.PoolSize)
	assert.Equal(t, 2, *two.Berth.PoolSize)
	assert.Equal(t, 3, *three.Berth.PoolSize)
	assert.Equal(t, two.Hash, three.Hash)
	c := Cache{Dir: t.TempDir(), Stamp: "test"}
	for range 2 {
		got, err := c.Load(context.Background(), Options{WorkingDir: dir, Getenv: envOf(nil)})
		require.NoError(t, err)
		assert.Equal(t, 3, *got.Berth.PoolSize, "kept through the cache")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"),
		[]byte("name: p\nx-berth:\n  pool: {size: -1}\nservices:\n  a: {image: x}\n"), 0o600))
	_, err := Load(context.Background(), Options{WorkingDir: dir, Getenv: envOf(nil)})
	require.ErrorContains(t, err, "x-berth.pool.size")
}
