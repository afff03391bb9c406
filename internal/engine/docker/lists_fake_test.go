package docker

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func TestListFilters(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, http.StatusOK, []any{})
	})
	ctx := context.Background()
	_, err := e.ContainerList(ctx, engine.ListFilter{All: true, Name: "web", Labels: map[string]string{"b": "", "a": "1"}})
	require.NoError(t, err)

	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1.41/containers/json", reqs[0].Path)
	assert.Contains(t, reqs[0].Query, "all=1")
	var f map[string]map[string]bool
	require.NoError(t, json.Unmarshal([]byte(queryValue(t, reqs[0].Query, "filters")), &f))
	assert.Equal(t, map[string]map[string]bool{"label": {"a=1": true, "b": true}, "name": {"web": true}}, f)
}

func TestBuildCachePrune(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, http.StatusOK, map[string]any{"CachesDeleted": []string{"c1"}, "SpaceReclaimed": 7})
	})
	ctx := context.Background()
	rep, err := e.BuildCachePrune(ctx, engine.PruneOptions{All: true})
	require.NoError(t, err)
	assert.Equal(t, engine.PruneReport{Deleted: []string{"c1"}, SpaceReclaimed: 7}, rep)

	_, err = e.BuildCachePrune(ctx, engine.PruneOptions{Labels: map[string]string{"dev.berth.env": "e1"}})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "no labels")

	reqs := rec.all()
	require.Len(t, reqs, 1, "the label-restricted build cache prune must not reach the daemon")
	assert.Equal(t, "/v1.41/build/prune", reqs[0].Path)
	assert.Equal(t, "all=1", reqs[0].Query)
}
