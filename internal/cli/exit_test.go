package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/pglock"
)

// An error caused by the store not answering exits 1 whatever wraps it
// (an up it interrupted is not "not ready", exit 3); other errors keep
// their codes.
func TestExitCodeOfAStoreOutage(t *testing.T) {
	_, connErr := pgconn.Connect(context.Background(), "postgres://berth@127.0.0.1:1/berth?connect_timeout=1")
	require.ErrorAs(t, connErr, new(*pgconn.ConnectError))
	breaker := fmt.Errorf("update shared breaker: %w", connErr)
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"store gone during an up", runFailure{&berth.NotReadyError{EnvID: "e", Err: breaker}}, ExitFailure},
		{"environment lock lost", runFailure{&berth.NotReadyError{EnvID: "e", Err: &pglock.LostLockError{Names: []string{"e"}}}}, ExitFailure},
		{"server shutting down", runFailure{fmt.Errorf("release: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01"})}, ExitFailure},
		{"a service that failed", runFailure{&berth.NotReadyError{EnvID: "e", Err: errors.New("service db exited 1")}}, ExitNotReady},
		{"a constraint the store refused", runFailure{&pgconn.PgError{Code: "23505"}}, ExitFailure},
		{"interrupted", runFailure{fmt.Errorf("up: %w: %w", context.Canceled, connErr)}, ExitSignal},
	} {
		assert.Equal(t, c.want, ExitCode(c.err), c.name)
	}
	assert.True(t, berth.StoreUnavailable(breaker))
	assert.False(t, berth.StoreUnavailable(&pgconn.PgError{Code: "23505"}))
	assert.False(t, berth.StoreUnavailable(nil))
}
