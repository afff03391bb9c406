package berth

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/statedir"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// openState opens the daemon's state directory and its store, and says
// which state is "ours" (the identity stamped on what berth makes).
//
// Without BERTH_STORE the store is the SQLite file in the state
// directory and the state is that directory (its path hash and ID). With
// BERTH_STORE the store is that PostgreSQL database, reached first, before
// any Docker call (a database that does not answer fails with a
// *postgres.UnreachableError after the gate's retries), and the state is
// the store's own ID, so every host that shares the store shares the
// environments made through it, whatever its local state directory; the
// directory's path hash is left out, so a local SQLite state at the same
// path never claims them.
func (m *Manager) openState(ctx context.Context) (dir string, db store.Store, state labels.Identity, err error) {
	dsn := m.conn.Settings.Store
	if dsn == "" {
		if dir, err = m.conn.StateDir(ctx); err != nil {
			return "", nil, labels.Identity{}, err
		}
		if db, err = sqlite.Open(ctx, filepath.Join(dir, "berth.db")); err != nil {
			return "", nil, labels.Identity{}, err
		}
		id, err := statedir.ID(dir)
		if err != nil {
			return "", nil, labels.Identity{}, errors.Join(err, db.Close())
		}
		return dir, db, labels.Identity{Path: labels.StateOf(dir), ID: id}, nil
	}
	srv, err := postgres.Connect(ctx, dsn, postgres.ConnectOptions{
		Attempts: m.conn.Settings.RetryAttempts, Initial: m.conn.Settings.RetryInitial})
	if err != nil {
		return "", nil, labels.Identity{}, err
	}
	if dir, err = m.conn.StateDir(ctx); err != nil {
		srv.Close()
		return "", nil, labels.Identity{}, err
	}
	info, err := m.conn.Info(ctx) // the schema is keyed by the daemon's ID, even with BERTH_STATE_DIR
	if err != nil {
		srv.Close()
		return "", nil, labels.Identity{}, err
	}
	pg, err := srv.Open(ctx, info.ID)
	if err != nil {
		return "", nil, labels.Identity{}, err
	}
	return dir, pg, labels.Identity{ID: pg.ID()}, nil
}
