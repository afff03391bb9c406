package docker

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// request is what the fake daemon saw.
type request struct {
	Method, Path, Query string
	Body                map[string]any
}

// recorder keeps the requests a fake daemon received.
type recorder struct {
	mu   sync.Mutex
	reqs []request
}

func (r *recorder) add(req *http.Request) request {
	rec := request{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery}
	if data, _ := io.ReadAll(req.Body); len(data) > 0 {
		_ = json.Unmarshal(data, &rec.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, rec)
	return rec
}

func (r *recorder) all() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.reqs...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func TestContainerCreateOldAPIConnectsOtherNetworks(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch r.URL.Path {
		case "/v1.41/containers/create":
			writeJSON(w, http.StatusCreated, map[string]any{"Id": "c1"})
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
	id, err := e.ContainerCreate(context.Background(), fullSpec())
	require.NoError(t, err)
	assert.Equal(t, "c1", id)

	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/v1.41/containers/create", reqs[0].Path)
	assert.Equal(t, "name=env1-web-1", reqs[0].Query)
	eps := reqs[0].Body["NetworkingConfig"].(map[string]any)["EndpointsConfig"].(map[string]any)
	assert.Len(t, eps, 1)
	assert.Contains(t, eps, "env1_default")
	assert.Equal(t, "/v1.41/networks/env1_backend/connect", reqs[1].Path)
	assert.Equal(t, "c1", reqs[1].Body["Container"])
	assert.Equal(t, []any{"web-backend"}, reqs[1].Body["EndpointConfig"].(map[string]any)["Aliases"])
}

func TestContainerCreateRemovesContainerWhenConnectFails(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch {
		case r.URL.Path == "/v1.41/containers/create":
			writeJSON(w, http.StatusCreated, map[string]any{"Id": "c1"})
		case r.Method == http.MethodPost:
			jsonError(w, http.StatusNotFound, "network env1_backend not found")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	id, err := e.ContainerCreate(context.Background(), fullSpec())
	require.Error(t, err)
	assert.Empty(t, id)
	assert.ErrorIs(t, err, engine.ErrNotFound)
	assert.Contains(t, err.Error(), "env1_backend")

	reqs := rec.all()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodDelete, reqs[2].Method)
	assert.Equal(t, "/v1.41/containers/c1", reqs[2].Path)
	assert.Equal(t, "v=1", reqs[2].Query, "removal of the half-created container must not force")
}

func TestContainerCreateRejectsStartIntervalOnOldAPIBeforeAnyCall(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) { rec.add(r) })
	spec := fullSpec()
	spec.Healthcheck.StartInterval = time.Second
	_, err := e.ContainerCreate(context.Background(), spec)
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "start_interval")
	assert.Empty(t, rec.all(), "no create request may reach the daemon")
}

func TestContainerCreateSendsStartIntervalOnNewAPI(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.44", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, http.StatusCreated, map[string]any{"Id": "c1"})
	})
	spec := fullSpec()
	spec.Networks = nil
	spec.Healthcheck.StartInterval = 200 * time.Millisecond
	id, err := e.ContainerCreate(context.Background(), spec)
	require.NoError(t, err)
	assert.Equal(t, "c1", id)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1.44/containers/create", reqs[0].Path)
	hc, _ := reqs[0].Body["Healthcheck"].(map[string]any)
	assert.InDelta(t, float64(200*time.Millisecond), hc["StartInterval"], 0, "start_interval reaches an API 1.44 daemon")
}

func TestRemovalsNeverForce(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(http.StatusNoContent)
	})
	ctx := context.Background()
	require.NoError(t, e.ContainerRemove(ctx, "c1", engine.RemoveOptions{Volumes: true}))
	require.NoError(t, e.ContainerRemove(ctx, "c2", engine.RemoveOptions{}))
	require.NoError(t, e.VolumeRemove(ctx, "v1"))
	require.NoError(t, e.NetworkDisconnect(ctx, "n1", "c1"))

	reqs := rec.all()
	require.Len(t, reqs, 4)
	assert.Equal(t, "v=1", reqs[0].Query)
	assert.Empty(t, reqs[1].Query)
	assert.Empty(t, reqs[2].Query)
	assert.Equal(t, false, reqs[3].Body["Force"])
	for _, r := range reqs {
		assert.NotContains(t, r.Query, "force")
	}
}

func TestNetworkCreateCheckDuplicate(t *testing.T) {
	for _, tc := range []struct {
		api      string
		check    bool
		wantSent bool
	}{
		{"1.41", true, true},   // the SDK dropped the field: the engine sends it itself
		{"1.41", false, false}, // not asked for
		{"1.44", true, false},  // the daemon always checks; the field is gone
	} {
		var rec recorder
		e := newFakeDaemon(t, tc.api, func(w http.ResponseWriter, r *http.Request) {
			rec.add(r)
			writeJSON(w, http.StatusCreated, map[string]any{"Id": "n1"})
		})
		id, err := e.NetworkCreate(context.Background(), engine.NetworkSpec{
			Name: "env1_default", Labels: map[string]string{"k": "v"}, Internal: true, CheckDuplicate: tc.check,
		})
		require.NoError(t, err)
		assert.Equal(t, "n1", id)
		reqs := rec.all()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/v"+tc.api+"/networks/create", reqs[0].Path)
		assert.Equal(t, "env1_default", reqs[0].Body["Name"])
		assert.Equal(t, true, reqs[0].Body["Internal"])
		assert.Equal(t, map[string]any{"k": "v"}, reqs[0].Body["Labels"])
		if tc.wantSent {
			assert.Equal(t, true, reqs[0].Body["CheckDuplicate"], "api %s", tc.api)
		} else {
			assert.NotContains(t, reqs[0].Body, "CheckDuplicate", "api %s", tc.api)
		}
	}
}

func TestNetworkCreateLegacyDuplicateIsConflict(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusConflict, "network with name env1_default already exists")
	})
	_, err := e.NetworkCreate(context.Background(), engine.NetworkSpec{Name: "env1_default", CheckDuplicate: true})
	require.ErrorIs(t, err, engine.ErrConflict)
	assert.Contains(t, err.Error(), "already exists")
}

func TestAPIVersionFromEnvironmentIsHonoured(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.45", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, http.StatusOK, []any{})
	})
	t.Setenv("DOCKER_API_VERSION", "1.43")
	pinned, err := New(Options{Host: e.Endpoint()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pinned.Close() })

	_, err = pinned.NetworkList(context.Background(), engine.ListFilter{})
	require.NoError(t, err)
	_, err = e.NetworkList(context.Background(), engine.ListFilter{})
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/v1.43/networks", reqs[0].Path)
	assert.Equal(t, "/v1.45/networks", reqs[1].Path, "negotiated down to the daemon's version")
}
