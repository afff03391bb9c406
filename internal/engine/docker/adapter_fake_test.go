package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

func TestContainerCreateWarnsStartIntervalOnOldAPI(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, http.StatusCreated, map[string]any{"Id": "c1"})
	})
	var logs bytes.Buffer
	e.log = slog.New(slog.NewTextHandler(&logs, nil))
	spec := fullSpec()
	spec.Networks = nil
	spec.Healthcheck.StartInterval = time.Second
	id, err := e.ContainerCreate(context.Background(), spec)
	require.NoError(t, err)
	assert.Equal(t, "c1", id)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	hc, _ := reqs[0].Body["Healthcheck"].(map[string]any)
	assert.NotContains(t, hc, "StartInterval", "an API 1.41 daemon is not sent start_interval")
	assert.Contains(t, logs.String(), "level=WARN")
	assert.Contains(t, logs.String(), "start_interval 1s not applied")
	assert.Contains(t, logs.String(), "1.41")
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

func TestNetworkCreateSendsIPAMOnEveryPath(t *testing.T) {
	ipam := &engine.IPAM{Driver: "default", Options: map[string]string{"o": "1"}, Config: []engine.IPAMPool{{
		Subnet: "172.28.0.0/16", IPRange: "172.28.5.0/24", Gateway: "172.28.5.254",
		AuxAddresses: map[string]string{"host1": "172.28.1.5"},
	}}}
	want := map[string]any{"Driver": "default", "Options": map[string]any{"o": "1"}, "Config": []any{map[string]any{
		"Subnet": "172.28.0.0/16", "IPRange": "172.28.5.0/24", "Gateway": "172.28.5.254",
		"AuxiliaryAddresses": map[string]any{"host1": "172.28.1.5"},
	}}}
	for _, tc := range []struct {
		api   string
		check bool
	}{{"1.41", true}, {"1.41", false}, {"1.44", true}} {
		var rec recorder
		e := newFakeDaemon(t, tc.api, func(w http.ResponseWriter, r *http.Request) {
			rec.add(r)
			writeJSON(w, http.StatusCreated, map[string]any{"Id": "n1"})
		})
		_, err := e.NetworkCreate(context.Background(), engine.NetworkSpec{Name: "env1_fixed", CheckDuplicate: tc.check, IPAM: ipam})
		require.NoError(t, err)
		reqs := rec.all()
		require.Len(t, reqs, 1)
		assert.Equal(t, want, reqs[0].Body["IPAM"], "api %s, check duplicate %v", tc.api, tc.check)
	}
}

func TestNetworkCreateRefusesBadIPAMBeforeAnyCall(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) { rec.add(r) })
	for _, p := range []engine.IPAMPool{{Subnet: "172.28.0.0"}, {Subnet: "10.0.0.0/8", Gateway: "10.0.0.0/8"}, {IPRange: "x"},
		{Subnet: "10.0.0.0/8", AuxAddresses: map[string]string{"h": "nope"}}} {
		_, err := e.NetworkCreate(context.Background(), engine.NetworkSpec{Name: "n", CheckDuplicate: true,
			IPAM: &engine.IPAM{Config: []engine.IPAMPool{p}}})
		require.ErrorIs(t, err, engine.ErrInvalid, "%+v", p)
	}
	assert.Empty(t, rec.all())
}

func TestContainerCreateOldAPIConnectsWithFixedAddress(t *testing.T) {
	var rec recorder
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Path == "/v1.41/containers/create" {
			writeJSON(w, http.StatusCreated, map[string]any{"Id": "c1"})
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	spec := fullSpec()
	spec.Networks[0].IPv4Address = "172.20.0.2"
	spec.Networks[1].IPv4Address = "172.21.0.3"
	_, err := e.ContainerCreate(context.Background(), spec)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	eps := reqs[0].Body["NetworkingConfig"].(map[string]any)["EndpointsConfig"].(map[string]any)
	assert.Equal(t, map[string]any{"IPv4Address": "172.20.0.2"}, eps["env1_default"].(map[string]any)["IPAMConfig"])
	assert.Equal(t, map[string]any{"IPv4Address": "172.21.0.3"}, reqs[1].Body["EndpointConfig"].(map[string]any)["IPAMConfig"])
}
