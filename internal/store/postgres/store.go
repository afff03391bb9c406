package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// defaultMaxConns is the pool size of one process's store unless the DSN
// sets pool_max_conns: berth processes make few store calls at once, and
// many processes share one server (PostgreSQL allows 100 connections by
// default).
const defaultMaxConns = 4

// Store is one daemon's state in a PostgreSQL database, a [store.Store].
// Safe for concurrent use by goroutines and, through the server, by
// processes on any host.
type Store struct {
	pool      *pgxpool.Pool
	schema    string
	daemonID  string
	id        string
	createdAt time.Time
	writeKey  int64
}

// querier is what [Tx] needs: a pgx.Tx for writes, the pool for reads.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Tx runs the store's operations inside one transaction (see [Store.Update]).
type Tx struct {
	q querier
}

// Open connects to the database dsn names (see [Connect]) and opens the
// state of the daemon with ID daemonID in it (see [Server.Open]).
func Open(ctx context.Context, dsn, daemonID string, opts ConnectOptions) (*Store, error) {
	srv, err := Connect(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	return srv.Open(ctx, daemonID)
}

// Open opens the state of the daemon with ID daemonID: its schema
// ([SchemaOf]), created and migrated to the current version if needed. The
// store takes over srv's pool (closing the store closes it): Open is
// called once per Server.
func (srv *Server) Open(ctx context.Context, daemonID string) (*Store, error) {
	if daemonID == "" {
		srv.Close()
		return nil, fmt.Errorf("open store on %s: no daemon ID", srv)
	}
	if !srv.opened.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("open store on %s: already opened", srv)
	}
	schema := SchemaOf(daemonID)
	srv.schema.Store(&schema)
	s := &Store{pool: srv.pool, schema: schema, daemonID: daemonID}
	s.writeKey = s.LockKey("write")
	// The connections made before the schema was named (Connect's ping)
	// are moved into it.
	var err error
	for _, c := range srv.pool.AcquireAllIdle(ctx) {
		if err == nil {
			_, err = c.Exec(ctx, `SET search_path TO `+schema)
		}
		if err != nil {
			c.Conn().Close(ctx) // not returned to the pool in the wrong schema
		}
		c.Release()
	}
	if err == nil {
		err = s.setup(ctx)
	}
	if err != nil {
		srv.pool.Close()
		return nil, fmt.Errorf("open store on %s (schema %s): %w", srv, schema, err)
	}
	return s, nil
}

// SchemaOf is the schema that holds the state of the daemon with ID
// daemonID: "berth_" and the first 16 hex digits of the SHA-256 of the ID
// (daemon IDs are longer than PostgreSQL's 63-byte names allow, and hold
// characters a name would need quoted).
func SchemaOf(daemonID string) string {
	sum := sha256.Sum256([]byte(daemonID))
	return "berth_" + hex.EncodeToString(sum[:8])
}

// Close closes the store's pool: its connections end, and with them any
// session lock taken on them.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool is the store's connection pool, whose connections have the store's
// schema as their search_path. A caller that keeps its own tables there
// creates them itself (CREATE TABLE IF NOT EXISTS), and must not change a
// connection's search_path.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema is the schema of the store's daemon ([SchemaOf]).
func (s *Store) Schema() string { return s.schema }

// DaemonID is the ID of the daemon whose state this is.
func (s *Store) DaemonID() string { return s.daemonID }

// ID is the store's own ID, 24 hex digits chosen at random when the
// daemon's schema was created and the same for every process that opens
// it, on any host. berth uses it as the state ID (labels.Identity.ID) of
// the resources it makes through this store.
func (s *Store) ID() string { return s.id }

// LockKey is the advisory lock key (for pg_advisory_lock and the like, the
// bigint form) of the lock named name of this store's daemon: distinct per
// schema and per name, so daemons sharing a database never share a lock.
// The key "write" is the store's write lock (taken by every [Store.Update]).
func (s *Store) LockKey(name string) int64 {
	return lockKey(s.schema + "\x00" + name)
}

// lockKey hashes name to an advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("berth\x00" + name))
	return int64(h.Sum64())
}

// Update runs fn in one transaction that first takes the store's write
// lock, so writes to one daemon's state happen one at a time: it commits
// if fn returns nil and rolls back otherwise, returning fn's error as is.
// fn must not call methods of the Store itself (only of tx): that would
// wait for itself.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // no-op after Commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.writeKey); err != nil {
		return fmt.Errorf("take the store's write lock: %w", err)
	}
	if err := fn(&Tx{q: tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// appendTx runs fn in one transaction without the write lock, for
// writes that only append or prune records, which no read-then-write step
// of the store depends on.
func (s *Store) appendTx(ctx context.Context, fn func(tx *Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error { return fn(&Tx{q: t}) })
}

// tx returns a Tx that runs each statement on its own (autocommit).
func tx(q querier) *Tx { return &Tx{q: q} }

// read returns a Tx that runs each statement on its own, for reads.
func (s *Store) read() *Tx {
	return &Tx{q: s.pool}
}
