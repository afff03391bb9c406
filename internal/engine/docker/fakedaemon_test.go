package docker

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// newFakeDaemon serves handler as a Docker daemon announcing apiVersion and
// returns an Engine connected to it. It clears the environment variables
// that would redirect or pin the client.
func newFakeDaemon(t *testing.T, apiVersion string, handler http.HandlerFunc) *Engine {
	t.Helper()
	for _, k := range []string{envHost, envContext, envCertPath, envTLSVerify, "DOCKER_API_VERSION"} {
		t.Setenv(k, "")
	}
	t.Setenv(envConfig, t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", apiVersion)
		w.Header().Set("Ostype", "linux")
		if strings.HasSuffix(r.URL.Path, "/_ping") {
			_, _ = w.Write([]byte("OK"))
			return
		}
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	e, err := New(Options{Host: "tcp://" + srv.Listener.Addr().String()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// jsonError answers like the daemon does on failure.
func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"message":` + quote(msg) + `}`))
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// queryValue returns one value of a raw query string.
func queryValue(t *testing.T, raw, key string) string {
	t.Helper()
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return q.Get(key)
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
