package berth

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/berth-dev/berth/internal/pglock"
	"github.com/berth-dev/berth/internal/store/postgres"
)

// StoreUnavailable reports whether err comes from the PostgreSQL store
// (BERTH_STORE) not answering: unreachable when the command began (after
// the connection's retries), gone during it (a connection refused, the
// server shutting down or restarting), or an environment lock lost with
// its database session. Whatever else err says (an up it interrupted is
// not "not ready"), the CLI exits 1 on it and says the store is the cause.
func StoreUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.As(err, new(*postgres.UnreachableError)) || errors.As(err, new(*pglock.LostLockError)) ||
		errors.As(err, new(*pgconn.ConnectError)) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// connection exception; admin or crash shutdown, cannot connect now
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return false
}

// StoreUnreachableAtStart reports whether err is the store not answering
// before the command did anything (its message says so already).
func StoreUnreachableAtStart(err error) bool {
	return errors.As(err, new(*postgres.UnreachableError))
}
