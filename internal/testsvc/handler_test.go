package testsvc

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func do(t *testing.T, h http.Handler, method, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

func TestHandlerHealthz(t *testing.T) {
	var health Health
	h := NewHandler("web", &health, &Holder{}, func() {})

	code, body := do(t, h, "GET", "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "starting", body)

	health.Ready()
	code, body = do(t, h, "GET", "/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok", body)

	code, _ = do(t, h, "POST", "/unhealthy")
	assert.Equal(t, http.StatusOK, code)
	code, body = do(t, h, "GET", "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "unhealthy", body)

	code, _ = do(t, h, "POST", "/healthy")
	assert.Equal(t, http.StatusOK, code)
	code, _ = do(t, h, "GET", "/healthz")
	assert.Equal(t, http.StatusOK, code)
}

func TestHandlerRootAndMethods(t *testing.T) {
	h := NewHandler("db", &Health{}, &Holder{}, func() {})
	code, body := do(t, h, "GET", "/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "db", body)

	code, _ = do(t, h, "GET", "/nope")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = do(t, h, "GET", "/crash")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	code, _ = do(t, h, "POST", "/healthz")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

func TestHandlerCrashCallsBackAfterAnswering(t *testing.T) {
	crashed := 0
	h := NewHandler("x", &Health{}, &Holder{}, func() { crashed++ })
	code, body := do(t, h, "POST", "/crash")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "crashing", body)
	assert.Equal(t, 1, crashed)
}

func TestHandlerHold(t *testing.T) {
	mem := &Holder{}
	h := NewHandler("x", &Health{}, mem, func() {})
	code, body := do(t, h, "POST", "/hold?mb=2")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "holding 2 MB", body)
	code, body = do(t, h, "POST", "/hold?mb=3")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "holding 5 MB", body)
	assert.Equal(t, 5, mem.HeldMB())

	for _, bad := range []string{"/hold", "/hold?mb=x", "/hold?mb=-1", "/hold?mb=99999999"} {
		code, _ := do(t, h, "POST", bad)
		assert.Equal(t, http.StatusBadRequest, code, bad)
	}
	assert.Equal(t, 5, mem.HeldMB())
}

func TestInspectRoutes(t *testing.T) {
	mux := http.NewServeMux()
	tty := true
	addInspect(mux, func() bool { return tty })

	dir := t.TempDir()
	p := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(p, []byte("s3cret"), 0o640))
	code, body := do(t, mux, "GET", "/file?path="+url.QueryEscape(p))
	require.Equal(t, http.StatusOK, code, body)
	var fi FileInfo
	require.NoError(t, json.Unmarshal([]byte(body), &fi))
	assert.Equal(t, "s3cret", fi.Content)
	if runtime.GOOS != "windows" {
		assert.Equal(t, "0640", fi.Mode)
	}
	assert.True(t, fi.Writable)
	code, _ = do(t, mux, "GET", "/file?path="+url.QueryEscape(filepath.Join(dir, "nope")))
	assert.Equal(t, http.StatusNotFound, code)

	code, body = do(t, mux, "GET", "/tty")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"stdin":true}`, body)

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("db\n")) }))
	defer other.Close()
	code, body = do(t, mux, "GET", "/fetch?url="+url.QueryEscape(other.URL))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "db", body)
	other.Close()
	code, _ = do(t, mux, "GET", "/fetch?url="+url.QueryEscape(other.URL))
	assert.Equal(t, http.StatusBadGateway, code)
}
