package config

import (
	"net/url"
	"strings"

	"github.com/berth-dev/berth/internal/store/postgres"
)

// EnvStore names the variable that selects the store (the --store flag
// sets it for one command).
const EnvStore = "BERTH_STORE"

// store reads BERTH_STORE: "" keeps the SQLite store in the state
// directory; a postgres:// or postgresql:// URL selects that PostgreSQL
// database, checked here (not reached: that is the store's business) so a
// malformed one is refused before any Docker call.
func (l *lookup) store() string {
	v := strings.TrimSpace(l.getenv(EnvStore))
	if v == "" {
		return ""
	}
	if _, err := postgres.ParseDSN(v); err != nil {
		reason := "want unset (the local state directory) or a URL postgres://user@host:port/database?sslmode=..."
		if postgres.IsDSN(v) {
			reason = "malformed PostgreSQL URL: " + err.Error()
		}
		l.fail(EnvStore, redactDSN(v), reason)
		return ""
	}
	return v
}

// redactDSN hides the password of a URL-shaped DSN (in its user part or
// its query), for messages.
func redactDSN(v string) string {
	if u, err := url.Parse(v); err == nil {
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	if at := strings.LastIndex(v, "@"); at >= 0 {
		if scheme := strings.Index(v, "://"); scheme >= 0 && scheme < at {
			return v[:scheme+3] + "(not shown)" + v[at:]
		}
	}
	return v
}
