package postgres_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store/postgres"
)

func TestIsDSN(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true,
		"": false, "host=h dbname=db": false, "mysql://h/db": false, "/var/lib/berth.db": false,
	} {
		assert.Equal(t, want, postgres.IsDSN(s), s)
	}
}

func TestParseDSN(t *testing.T) {
	cfg, err := postgres.ParseDSN("postgres://berth:secret@db.example:6543/ci?sslmode=disable")
	require.NoError(t, err)
	assert.Equal(t, "db.example", cfg.ConnConfig.Host)
	assert.EqualValues(t, 6543, cfg.ConnConfig.Port)
	assert.EqualValues(t, 4, cfg.MaxConns, "a small pool per process unless the DSN says")
	assert.Equal(t, 5*time.Second, cfg.ConnConfig.ConnectTimeout, "a bounded connect unless the DSN says")

	cfg, err = postgres.ParseDSN("postgres://h/db?pool_max_conns=9&connect_timeout=2")
	require.NoError(t, err)
	assert.EqualValues(t, 9, cfg.MaxConns)
	assert.Equal(t, 2*time.Second, cfg.ConnConfig.ConnectTimeout)
}

func TestParseDSNRefusesMalformed(t *testing.T) {
	for _, dsn := range []string{
		"host=h dbname=db",                           // keyword form: not a URL
		"postgres://u:secret@h:notaport/db",          // bad port
		"postgres://u:secret@h/db?sslmode=sometimes", // bad sslmode
		"postgres://u:secret@h/db?pool_max_conns=x",  // bad pool size
	} {
		_, err := postgres.ParseDSN(dsn)
		var de *postgres.DSNError
		require.ErrorAs(t, err, &de, dsn)
		assert.NotContains(t, err.Error(), "secret", "the password is never shown")
	}
}

// TestConnectUnreachable: nothing listens on the port, so every attempt is
// refused; Connect tries them all and says which database.
func TestConnectUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	_, err = postgres.Connect(context.Background(), "postgres://berth:secret@127.0.0.1:"+strconv.Itoa(port)+"/berth",
		postgres.ConnectOptions{Attempts: 3, Initial: time.Millisecond})
	var ue *postgres.UnreachableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 3, ue.Attempts)
	assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port)+"/berth", ue.Target)
	assert.NotContains(t, err.Error(), "secret")
	assert.False(t, errors.As(err, new(*postgres.DSNError)))
}
