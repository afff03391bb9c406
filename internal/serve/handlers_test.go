package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/store"
)

// recordedStore holds what several berth processes recorded.
func recordedStore() *memStore {
	return &memStore{
		envs: []store.Env{{ID: "demo-1a2b", Mode: "shared", State: store.StateReady},
			{ID: "iso-1", Mode: "dedicated", State: store.StateReady}, {ID: "iso-2", Mode: "dedicated", State: store.StateReady}},
		leases: []store.Lease{{ID: "l-1", Holder: store.Holder{PID: 4242}}, {ID: "l-2", Holder: store.Holder{PID: 77}},
			{ID: "l-3", Holder: store.Holder{PID: 10}}},
		usage: []store.UsageRecord{{Kind: store.UsageAcquire, ValueMS: 4000}, {Kind: store.UsageReuse, ValueMS: 30},
			{Kind: store.UsageReuse, ValueMS: 70}, {Kind: store.UsageRelease}, {Kind: store.UsageReady, ValueMS: 3900}},
		ops: []store.OpRecord{{Op: "container.create", Duration: 20 * time.Millisecond, PID: 1},
			{Op: "container.create", Duration: 40 * time.Millisecond, ErrorKind: "conflict", PID: 2},
			{Op: "container.start", Duration: 2 * time.Second, PID: 2}, {Op: "ping", ErrorKind: "circuit_open", PID: 3}},
		restarts: []store.RestartRecord{{Kind: store.RestartDone}, {Kind: store.RestartRefused}, {Kind: store.RestartRefused},
			{Kind: store.RestartEngine}},
		events: []store.EventRecord{{Time: t0, Container: "c1", Action: "oom", OOMKilled: true},
			{Time: t0, Container: "c1", Action: "die", ExitCode: 137}, {Time: t0.Add(time.Minute), Container: "c2", Action: "oom", OOMKilled: true}},
		gcRuns: []store.GCRunRecord{{Time: t0, Mode: "safe", Reclaimed: 1000}, {Time: t0.Add(time.Hour), Mode: "safe", Reclaimed: 24}},
	}
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	return itest.ParseMetrics(t, body)
}

// value finds the sample of family name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	t.Helper()
	v, ok := itest.Sample(fams, name, want...)
	if !ok {
		t.Fatalf("no sample of %s with %v", name, want)
	}
	return v
}

func TestMetricsFromTheStoreAndTheSamples(t *testing.T) {
	st := recordedStore()
	d := &fakeDaemon{up: true}
	s, clk := newServer(t, st, d)
	s.pingOnce(t.Context())
	s.sampleOnce(t.Context())
	d.disk.BuildCache.Reclaimable, d.disk.Images.Reclaimable = 5<<20, 7<<20
	s.diskOnce(t.Context())
	_ = clk

	rec := get(t, s.Handler(), "/metrics")
	require.Equal(t, http.StatusOK, rec.Code)
	fams := parseMetrics(t, rec.Body.String())

	assert.EqualValues(t, 1, value(t, fams, "berth_environments", "mode", "shared", "state", "ready"))
	assert.EqualValues(t, 2, value(t, fams, "berth_environments", "mode", "dedicated", "state", "ready"))
	assert.EqualValues(t, 2, value(t, fams, "berth_leases_live"), "PIDs 4242 and 10 are live by the fake judge")
	assert.EqualValues(t, 1, value(t, fams, "berth_acquire_duration_seconds", "reused", "false"))
	assert.EqualValues(t, 2, value(t, fams, "berth_acquire_duration_seconds", "reused", "true"))
	assert.EqualValues(t, 1, value(t, fams, "berth_docker_operations_total", "op", "container.create", "outcome", "ok"))
	assert.EqualValues(t, 1, value(t, fams, "berth_docker_operations_total", "op", "container.create", "outcome", "error"))
	assert.EqualValues(t, 1, value(t, fams, "berth_docker_operations_total", "op", "ping", "outcome", "refused"))
	assert.EqualValues(t, 2, value(t, fams, "berth_docker_operation_duration_seconds", "op", "container.create"))
	assert.EqualValues(t, 0, value(t, fams, "berth_breaker_open"))
	assert.EqualValues(t, 1, value(t, fams, "berth_restarts_total", "outcome", "done"))
	assert.EqualValues(t, 2, value(t, fams, "berth_restarts_total", "outcome", "refused"))
	assert.EqualValues(t, 0, value(t, fams, "berth_restarts_total", "outcome", "forced"))
	assert.EqualValues(t, 2, value(t, fams, "berth_oom_kills_total"), "one oom record per kill; the die of the same kill is not another")
	assert.EqualValues(t, 80<<20, value(t, fams, "berth_container_memory_bytes", "env", "demo-1a2b", "service", "backend"))
	assert.EqualValues(t, 100<<20, value(t, fams, "berth_container_memory_limit_bytes", "env", "demo-1a2b", "service", "backend"))
	assert.EqualValues(t, 1, value(t, fams, "berth_daemon_up"))
	assert.InDelta(t, 0.002, value(t, fams, "berth_daemon_ping_seconds"), 1e-9)
	assert.EqualValues(t, 5<<20, value(t, fams, "berth_disk_reclaimable_bytes", "kind", "build_cache"))
	assert.EqualValues(t, 2, value(t, fams, "berth_gc_runs_total", "mode", "safe"))
	assert.EqualValues(t, 1024, value(t, fams, "berth_gc_reclaimed_bytes_total"))
	assert.EqualValues(t, 0, value(t, fams, "berth_scrape_error"))

	h := fams["berth_docker_operation_duration_seconds"]
	for _, m := range h.Metric {
		if m.Label[0].GetValue() == "container.start" {
			assert.InDelta(t, 2.0, m.Histogram.GetSampleSum(), 1e-9)
			for _, b := range m.Histogram.Bucket {
				want := uint64(0)
				if b.GetUpperBound() >= 2.0 {
					want = 1
				}
				assert.Equal(t, want, b.GetCumulativeCount(), "container.start le=%g", b.GetUpperBound())
			}
		}
	}
	_, exited := func() (float64, bool) {
		for _, m := range fams["berth_container_memory_bytes"].Metric {
			for _, l := range m.Label {
				if l.GetValue() == "frontend" {
					return 0, true
				}
			}
		}
		return 0, false
	}()
	assert.False(t, exited, "an exited container has no memory figure")
}

func TestMetricsDaemonDownAndBreakerOpen(t *testing.T) {
	d := &fakeDaemon{}
	s, _ := newServer(t, &memStore{}, d)
	s.pingOnce(t.Context())
	fams := parseMetrics(t, get(t, s.Handler(), "/metrics").Body.String())
	assert.EqualValues(t, 0, value(t, fams, "berth_daemon_up"))
	assert.EqualValues(t, 1, value(t, fams, "berth_breaker_open"))
	assert.Nil(t, fams["berth_daemon_ping_seconds"], "no latency for an unanswered ping")
}

func TestStatusPageAndAPIShowTheSameEnvironment(t *testing.T) {
	st := recordedStore()
	s, _ := newServer(t, st, &fakeDaemon{up: true})
	s.pingOnce(t.Context())
	s.sampleOnce(t.Context())
	h := s.Handler()

	rec := get(t, h, "/")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	page, _, ok := strings.Cut(rec.Body.String(), "<script>") // the rendered part, not the refresh script
	require.True(t, ok)
	assert.Contains(t, page, `data-id="demo-1a2b"`)
	assert.Equal(t, 6, strings.Count(page, `class="service"`))
	assert.Equal(t, 6, strings.Count(page, `<span class="bar`), "a memory bar for every service with a limit")
	assert.Equal(t, 1, strings.Count(page, `class="bar high"`))
	assert.Contains(t, page, "OOM-killed")
	assert.Contains(t, page, "PID 4242")
	assert.Contains(t, page, `badge ok">live`)
	assert.Contains(t, page, `badge bad">dead`)
	assert.Equal(t, 2, strings.Count(page, `class="gcrun"`))
	assert.Equal(t, 4, strings.Count(page, "<svg"), "four charts")
	assert.NotContains(t, rec.Body.String(), "http://", "no external assets")
	assert.NotContains(t, rec.Body.String(), "https://")

	rec = get(t, h, "/api/status")
	require.Equal(t, http.StatusOK, rec.Code)
	var got Status
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.Len(t, got.Envs, 1)
	assert.Equal(t, "demo-1a2b", got.Envs[0].ID)
	assert.Len(t, got.Envs[0].Services, 6)
	assert.True(t, got.Daemon.Up)
	require.Len(t, got.GC.Runs, 2)
	assert.Equal(t, t0.Add(time.Hour), got.GC.Runs[0].Time, "newest run first")
	assert.Len(t, got.Charts.Memory, 5, "a memory line per running container")
	assert.Len(t, got.Charts.Ops.Points, 61, "a point per minute of the hour")

	assert.Equal(t, http.StatusNotFound, get(t, h, "/nothing").Code)
}

func TestOnlyReads(t *testing.T) {
	s, _ := newServer(t, &memStore{}, &fakeDaemon{up: true})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(m, "/", nil))
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
	}
}

func TestTokenGuardsEveryPath(t *testing.T) {
	s, _ := newServer(t, &memStore{}, &fakeDaemon{up: true})
	s.Token = "s3cret"
	h := s.Handler()
	for _, p := range []string{"/", "/api/status", "/metrics"} {
		assert.Equal(t, http.StatusUnauthorized, get(t, h, p).Code, p)
		assert.Equal(t, http.StatusUnauthorized, get(t, h, p, "Authorization", "Bearer wrong").Code, p)
		assert.Equal(t, http.StatusOK, get(t, h, p, "Authorization", "Bearer s3cret").Code, p)
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		token  string
		ok     bool
	}{
		{"127.0.0.1:7391", false, "", true},
		{"localhost:7391", false, "", true},
		{"[::1]:7391", false, "", true},
		{"127.0.0.2:0", false, "", true},
		{"0.0.0.0:7391", false, "", false},
		{":7391", false, "", false},
		{"0.0.0.0:7391", true, "", false},
		{"0.0.0.0:7391", false, "t", false},
		{"0.0.0.0:7391", true, "t", true},
		{"10.1.2.3:80", true, "t", true},
		{"7391", false, "", false},
	} {
		err := CheckAddr(tc.addr, tc.remote, tc.token)
		assert.Equal(t, tc.ok, err == nil, "%+v: %v", tc, err)
	}
	assert.ErrorContains(t, CheckAddr("0.0.0.0:7391", false, ""), "--allow-remote")
	assert.ErrorContains(t, CheckAddr("0.0.0.0:7391", true, ""), TokenVar)
}

func TestClaimNamesTheFirst(t *testing.T) {
	dir := t.TempDir()
	release, err := Claim(dir)
	require.NoError(t, err)
	require.NoError(t, Announce(dir, Instance{PID: 4242, Addr: "127.0.0.1:7391", Started: t0}))
	_, err = Claim(dir)
	var are *AlreadyRunningError
	require.ErrorAs(t, err, &are)
	assert.Equal(t, 4242, are.Running.PID)
	assert.Contains(t, err.Error(), "PID 4242 on http://127.0.0.1:7391")
	require.NoError(t, release())
	again, err := Claim(dir)
	require.NoError(t, err, "free again once released")
	require.NoError(t, again())
}

func TestSVGPath(t *testing.T) {
	pts := []Point{{T: -5, V: 1}, {T: 0, V: 0}, {T: 50, V: 5}, {T: 100, V: 10}, {T: 101, V: 3}}
	assert.Equal(t, "M0.0 120.0 L300.0 60.0 L600.0 0.0", svgPath(pts, 0, 100, 10))
	assert.Equal(t, "", svgPath(nil, 0, 100, 10))
	assert.Equal(t, "M0.0 0.0", svgPath([]Point{{T: 0, V: 20}}, 0, 100, 10), "clipped at the top")
}

func TestPerMinute(t *testing.T) {
	from := t0.Add(-3 * time.Minute)
	got := perMinute([]time.Time{t0.Add(-150 * time.Second), t0.Add(-140 * time.Second), t0.Add(-10 * time.Second), t0.Add(-time.Hour)}, from, t0, 1)
	require.Len(t, got, 4)
	assert.Equal(t, []float64{2, 0, 1, 0}, []float64{got[0].V, got[1].V, got[2].V, got[3].V})
	assert.Equal(t, from.UnixMilli(), got[0].T)
}
