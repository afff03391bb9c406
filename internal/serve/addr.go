package serve

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/gc"
)

// TokenVar is the environment variable that holds the bearer token remote
// access needs.
const TokenVar = "BERTH_SERVE_TOKEN"

// CheckAddr decides whether serve may listen on addr (host:port): a
// loopback host (127.0.0.0/8, ::1, localhost) always; any other only with
// allowRemote and a non-empty token. The error says what to do.
func CheckAddr(addr string, allowRemote bool, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, for example 127.0.0.1:7391: %w", addr, err)
	}
	if Loopback(host) {
		return nil
	}
	if !allowRemote {
		return fmt.Errorf("--addr %q is not a loopback address: the status page and metrics would be open to the network; "+
			"pass --allow-remote and set %s to a secret every request must carry as \"Authorization: Bearer <token>\"", addr, TokenVar)
	}
	if token == "" {
		return fmt.Errorf("--allow-remote needs a token: set %s to a secret every request must carry as \"Authorization: Bearer <token>\"", TokenVar)
	}
	return nil
}

// Loopback reports whether host names only this machine.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RequireToken wraps h so that every request must carry
// "Authorization: Bearer <token>"; others get 401. An empty token lets
// every request through (loopback).
func RequireToken(token string, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="berth"`)
			http.Error(w, "401 unauthorized: send Authorization: Bearer <"+TokenVar+">", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// errReadOnly answers a request that would change something.
var errReadOnly = errors.New("berth serve only reads: use GET")

// readOnly refuses every method but GET and HEAD (405).
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, errReadOnly.Error(), http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// CheckOptions decides whether serve may run with these options, before
// any Docker call: the address ([CheckAddr]), a scheduled gc that is never
// deep (it removes every unused image and volume on the daemon), and a
// positive interval (0 is the default).
func CheckOptions(addr string, allowRemote bool, token string, gcEvery time.Duration, gcMode gc.Mode) error {
	if err := CheckAddr(addr, allowRemote, token); err != nil {
		return err
	}
	if gcMode == gc.Deep {
		return errors.New("--gc-mode deep is never scheduled: it removes every unused image and volume on the daemon; run berth gc --mode deep by hand")
	}
	if gcEvery < 0 {
		return errors.New("--gc-every must be greater than zero")
	}
	return nil
}
