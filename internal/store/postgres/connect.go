package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// defaultConnectTimeout bounds one connection attempt when the DSN sets no
// connect_timeout, so a host that drops packets fails in seconds, not
// after the kernel's minutes.
const defaultConnectTimeout = 5 * time.Second

// ConnectOptions shape [Connect]'s retries.
type ConnectOptions struct {
	// Attempts is how many times a server that does not answer is tried
	// in all (0: 4). Initial is the first pause between attempts (0:
	// 100 ms), doubled after each, with jitter.
	Attempts int
	Initial  time.Duration
}

// Server is a PostgreSQL database that answered, before any daemon's
// schema is opened in it ([Server.Open]). It holds the pool the store
// will use, with the connection that answered, so opening the store
// costs no second connection.
type Server struct {
	pool   *pgxpool.Pool
	target string
	schema atomic.Pointer[string] // set by Open: every new connection's search_path
	opened atomic.Bool
}

// String names the database without its password: host:port/database.
func (srv *Server) String() string { return srv.target }

// Close closes a server no store was opened on (a store closes it).
func (srv *Server) Close() {
	if !srv.opened.Load() {
		srv.pool.Close()
	}
}

// DSNError is a BERTH_STORE value that is not a PostgreSQL URL berth can
// use. It is bad input: no connection was tried.
type DSNError struct{ Err error }

func (e *DSNError) Error() string { return fmt.Sprintf("store DSN: %v", e.Err) }
func (e *DSNError) Unwrap() error { return e.Err }

// UnreachableError is a database that did not answer, or refused berth,
// after every attempt.
type UnreachableError struct {
	Target   string // host:port/database, no password
	Attempts int
	Err      error
}

func (e *UnreachableError) Error() string {
	what := "is unreachable"
	if !retryable(e.Err) {
		what = "refused berth"
	}
	return fmt.Sprintf("the store database %s %s (after %d attempt(s)): %v; check that PostgreSQL runs there and "+
		"that BERTH_STORE names it, or unset BERTH_STORE to keep state in the local state directory", e.Target, what, e.Attempts, e.Err)
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// IsDSN reports whether s selects the PostgreSQL store: it starts with
// postgres:// or postgresql://.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// ParseDSN checks dsn, a postgres:// or postgresql:// URL, and returns
// the pool configuration it gives, without connecting. Its errors are
// [*DSNError]s and never show the password.
func ParseDSN(dsn string) (*pgxpool.Config, error) {
	if !IsDSN(dsn) {
		return nil, &DSNError{Err: errors.New("want a URL postgres://user@host:port/database?sslmode=... (or postgresql://)")}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, &DSNError{Err: err}
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	return cfg, nil
}

// Connect parses dsn ([ParseDSN]) and connects once to check that the
// database answers and accepts berth, trying again (jittered exponential
// backoff) while the server is unreachable, starting up or out of
// connections; a refusal (bad password, no such database) fails at once.
// It fails with a [*DSNError] or an [*UnreachableError].
func Connect(ctx context.Context, dsn string, opts ConnectOptions) (*Server, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 4
	}
	if opts.Initial <= 0 {
		opts.Initial = 100 * time.Millisecond
	}
	srv := &Server{target: describe(cfg.ConnConfig)}
	// New connections start in the daemon's schema once Open has named
	// it: search_path goes in the startup message, no extra round trip.
	cfg.BeforeConnect = func(_ context.Context, c *pgx.ConnConfig) error {
		if schema := srv.schema.Load(); schema != nil {
			c.RuntimeParams["search_path"] = *schema
		}
		return nil
	}
	if srv.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, &DSNError{Err: err}
	}
	pause := opts.Initial
	for attempt := 1; ; attempt++ {
		err = srv.pool.Ping(ctx)
		if err == nil {
			return srv, nil
		}
		if attempt >= opts.Attempts || !retryable(err) || ctx.Err() != nil {
			srv.pool.Close()
			return nil, &UnreachableError{Target: srv.target, Attempts: attempt, Err: err}
		}
		t := time.NewTimer(pause/2 + rand.N(pause)) // jitter: parallel processes do not retry in lockstep
		select {
		case <-ctx.Done():
			t.Stop()
			srv.pool.Close()
			return nil, &UnreachableError{Target: srv.target, Attempts: attempt, Err: ctx.Err()}
		case <-t.C:
		}
		pause *= 2
	}
}

// retryable reports whether a failed connection may succeed if tried
// again: no answer at all, or the server starting, shutting down, or out
// of connections. A server that answered with anything else (bad
// password, unknown database or role) refused for good.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return true // network: refused, unreachable, timed out
	}
	switch {
	case strings.HasPrefix(pe.Code, "08"), // connection exception
		pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, starting up
		pe.Code == "53300": // too many connections
		return true
	}
	return false
}

// describe names a database as host:port/database.
func describe(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}
