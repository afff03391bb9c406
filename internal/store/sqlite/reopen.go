package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// current returns the database handle to use: the open one while the file
// at the store's path is still the file it was opened on. When that file
// was deleted (someone removed the state directory's store, or its whole
// state directory, while this process ran), it opens the file now at the
// path, creating and migrating it if need be, so this process and every
// berth process started since share one store again. Without this, a
// process would go on reading and writing a deleted file nobody else
// sees: a runner's release would judge an environment idle that runners
// started since hold leases on, and tear it down under them.
//
// The check is one stat of the path per call (about a microsecond).
func (s *Store) current(ctx context.Context) (*sql.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, err := os.Stat(s.path)
	if err == nil && os.SameFile(now, s.file) {
		return s.db, nil
	}
	db, file, err := s.openFile(ctx)
	if err != nil {
		return nil, fmt.Errorf("reopen store %s (its file was deleted): %w", s.path, err)
	}
	// Statements under way on the old handle finish on it; it is closed
	// with the store.
	s.retired = append(s.retired, s.db)
	s.db, s.file = db, file
	return db, nil
}

// query runs a read query on the current handle.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	db, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return db.QueryContext(ctx, query, args...)
}
