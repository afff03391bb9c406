package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/berth-dev/berth/internal/safefs"
)

// busyTimeoutMS is how long a connection waits for another writer before
// failing with SQLITE_BUSY. Write transactions are a few milliseconds, so
// this only runs out if a process holds a transaction open and hangs.
const busyTimeoutMS = 10_000

// Store is the shared state file, a [store.Store]. Safe for concurrent use
// by goroutines and, through SQLite's locking, by processes.
type Store struct {
	path  string
	write writeLock

	mu      sync.Mutex
	db      *sql.DB     // open on file
	file    os.FileInfo // the file at path when db was opened
	retired []*sql.DB   // handles on files since deleted, closed by Close
}

// querier is what [Tx] needs: a *sql.Tx for writes, the *sql.DB for reads.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs the store's operations inside one transaction (see [Store.Update]).
type Tx struct {
	q querier
}

// Open opens the store at path, creating its directory (mode 0700) and the
// file (mode 0600) if needed, and migrates the schema to the current
// version. The write lock is the file path+".lock" next to it. The path
// must not contain '?'.
func Open(ctx context.Context, path string) (*Store, error) {
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("open store %s: the path must not contain '?'", path)
	}
	s := &Store{path: path, write: writeLock{path: path + ".lock"}}
	var err error
	if s.db, s.file, err = s.openFile(ctx); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// openFile opens the store file at s.path, creating it (and its directory)
// if need be and bringing its schema up to date, and returns the database
// handle with the file it is open on.
func (s *Store) openFile(ctx context.Context) (*sql.DB, os.FileInfo, error) {
	path := s.path
	if err := safefs.EnsureDir(filepath.Dir(path)); err != nil {
		return nil, nil, err
	}
	// SQLite opens these itself, following links: refuse a link planted
	// at any of them (the journal files included).
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := safefs.NotLink(p); err != nil {
			return nil, nil, err
		}
	}
	// Create the file ourselves so it is 0600 from the start; SQLite gives
	// its -wal and -shm files the same mode.
	f, err := safefs.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("create: %w", err)
	}
	info, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("create: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, nil, err
	}
	if err := s.setup(ctx, db); err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return db, info, nil
}

// dsn is the driver name for path: busy timeout, foreign keys, and BEGIN
// IMMEDIATE for every transaction database/sql starts (read-only
// transactions excepted), so a writer takes SQLite's write lock up front.
// WAL mode is persistent in the file; [Store.setup] sets it once.
func dsn(path string) string {
	return path + fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeoutMS) +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Close closes the store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := []error{s.db.Close()}
	for _, db := range s.retired {
		errs = append(errs, db.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE, queued behind
// the other writers on the store's write lock): it commits if fn returns
// nil and rolls back otherwise, returning fn's error as is. fn must not call
// methods of the Store itself (only of tx): that would wait for itself.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	db, err := s.current(ctx)
	if err != nil {
		return err
	}
	release, err := s.write.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return inTx(ctx, db, fn)
}

// inTx runs fn in one transaction on db, for a caller that holds the
// write lock: it commits if fn returns nil and rolls back otherwise.
func inTx(ctx context.Context, db *sql.DB, fn func(tx *Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	if err := fn(&Tx{q: tx}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// read returns a Tx that runs each statement on its own, for reads.
func (s *Store) read(ctx context.Context) (*Tx, error) {
	db, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return &Tx{q: db}, nil
}
