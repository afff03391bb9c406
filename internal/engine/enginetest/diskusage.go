package enginetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testDiskUsageDetail: disk usage lists every object with the detail
// cleanup plans with: a mounted volume counts its container, an unmounted
// one none; the harness image counts the container made from it; the
// container itself is listed.
func (s *suite) testDiskUsageDetail(t *testing.T, ctx context.Context) {
	used, unused := s.name("v"), s.name("v")
	s.createVolume(t, ctx, used)
	s.createVolume(t, ctx, unused)
	spec := s.spec()
	spec.Mounts = []engine.Mount{{Type: "volume", Source: used, Target: "/data"}}
	cid := s.create(t, ctx, spec)

	du := s.diskUsage(t, ctx)
	vol := func(name string) engine.VolumeUsage {
		i := slices.IndexFunc(du.VolumeItems, func(v engine.VolumeUsage) bool { return v.Name == name })
		require.GreaterOrEqual(t, i, 0, "volume %s listed", name)
		return du.VolumeItems[i]
	}
	assert.Equal(t, 1, vol(used).RefCount, "mounted volume")
	assert.Equal(t, 0, vol(unused).RefCount, "unmounted volume")
	assert.Equal(t, s.run, vol(used).Labels[LabelKey], "volume labels")
	assert.GreaterOrEqual(t, vol(unused).Size, int64(0), "volume size known")

	assert.True(t, slices.ContainsFunc(du.ContainerItems, func(c engine.ContainerUsage) bool { return c.ID == cid }),
		"container %s listed", cid)
	img, err := s.e.ImageInspect(ctx, s.h.Image)
	require.NoError(t, err)
	i := slices.IndexFunc(du.ImageItems, func(u engine.ImageUsage) bool { return u.ID == img.ID })
	require.GreaterOrEqual(t, i, 0, "harness image %s listed", img.ID)
	assert.GreaterOrEqual(t, du.ImageItems[i].Containers, 1, "the container made from the harness image counts")
	assert.Positive(t, du.ImageItems[i].Size)
	assert.Contains(t, du.ImageItems[i].RepoTags, s.h.Image)
}

// diskUsage asks for the daemon's disk usage. The daemon computes one at a
// time and refuses others meanwhile with a transient error (other test
// packages ask too); that refusal is waited out, for at most 30 s.
func (s *suite) diskUsage(t *testing.T, ctx context.Context) engine.DiskUsage {
	t.Helper()
	var du engine.DiskUsage
	poll(t, ctx, 30*time.Second, "disk usage", func() (bool, string) {
		var err error
		du, err = s.e.DiskUsage(ctx)
		if errors.Is(err, engine.ErrTransient) {
			return false, err.Error()
		}
		require.NoError(t, err, "disk usage")
		return true, ""
	})
	return du
}
