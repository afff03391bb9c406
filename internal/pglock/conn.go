package pglock

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Keepalive bounds, on both ends of every connection, how long a lock
// outlives a host that vanished without closing its connections (power
// loss, a network partition): the server probes an idle connection after
// Idle, then every Interval, and ends the session (dropping its locks)
// after Count unanswered probes: Idle + Count×Interval = 5 + 3×2 = 11 s.
// TCPUserTimeout bounds the same for a connection with unacknowledged
// data in flight. The client side uses the same figures to notice a dead
// server and reconnect. docs/design.md "Many hosts" has the measurement.
var Keepalive = struct {
	Idle, Interval time.Duration
	Count          int
	TCPUserTimeout time.Duration
}{Idle: 5 * time.Second, Interval: 2 * time.Second, Count: 3, TCPUserTimeout: 11 * time.Second}

// Config parses dsn into a pool configuration with berth's keepalives:
// the server-side tcp_keepalives_* and tcp_user_timeout settings of the
// session (unless the DSN sets them) and a dialer with the same client-side
// keepalives.
func Config(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse store DSN: %w", err)
	}
	rp := cfg.ConnConfig.RuntimeParams
	set := func(k, v string) {
		if _, ok := rp[k]; !ok {
			rp[k] = v
		}
	}
	set("tcp_keepalives_idle", strconv.Itoa(int(Keepalive.Idle/time.Second)))
	set("tcp_keepalives_interval", strconv.Itoa(int(Keepalive.Interval/time.Second)))
	set("tcp_keepalives_count", strconv.Itoa(Keepalive.Count))
	set("tcp_user_timeout", strconv.Itoa(int(Keepalive.TCPUserTimeout/time.Millisecond)))
	set("application_name", "berth")
	d := &net.Dialer{
		Timeout: 10 * time.Second,
		KeepAliveConfig: net.KeepAliveConfig{Enable: true,
			Idle: Keepalive.Idle, Interval: Keepalive.Interval, Count: Keepalive.Count},
	}
	cfg.ConnConfig.DialFunc = d.DialContext
	// Every held lock keeps one connection; a process holds a few (its
	// environment lock, a slot, its lease). Idle ones close after a while.
	cfg.MaxConns = 16
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = time.Minute
	return cfg, nil
}

// Connect opens a pool on dsn ([Config]) and checks the server answers.
func Connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := Config(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	return pool, nil
}
