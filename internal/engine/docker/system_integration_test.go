package docker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// TestIntegrationSystemAndNetworks: version, info and disk usage answer;
// a network is created, refused a second time by name (CheckDuplicate,
// which the adapter sends itself before API 1.44), inspected, listed by
// label and removed; a second removal is ErrNotFound.
func TestIntegrationSystemAndNetworks(t *testing.T) {
	e, labels, name := setup(t)
	ctx := t.Context()

	v, err := e.Version(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, v.ServerVersion)
	assert.NotEmpty(t, v.APIVersion)
	info, err := e.Info(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, info.ID)
	// Another package's disk usage may be running: the daemon then refuses
	// this one, which must come back as transient (the gate waits it out).
	if _, err = e.DiskUsage(ctx); err != nil {
		require.ErrorIs(t, err, engine.ErrTransient)
	}

	spec := engine.NetworkSpec{Name: name, Labels: labels, CheckDuplicate: true}
	id, err := e.NetworkCreate(ctx, spec)
	require.NoError(t, err)

	_, err = e.NetworkCreate(ctx, spec)
	require.ErrorIs(t, err, engine.ErrConflict, "a second network of the same name must be refused")

	n, err := e.NetworkInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, spec.Name, n.Name)
	assert.Equal(t, "bridge", n.Driver)
	assert.WithinDuration(t, time.Now(), n.Created, time.Minute)
	assert.Equal(t, labels[itest.LabelKey], n.Labels[itest.LabelKey])
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
