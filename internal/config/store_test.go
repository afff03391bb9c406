package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreUnsetKeepsSQLite(t *testing.T) {
	g, err := GateFromEnv(func(string) string { return "" })
	require.NoError(t, err)
	assert.Empty(t, g.Store)
}

func TestStoreAcceptsPostgresURLs(t *testing.T) {
	for _, dsn := range []string{
		"postgres://berth@db:5432/berth?sslmode=disable",
		"postgresql://berth:pw@db/berth?sslmode=require",
	} {
		g, err := GateFromEnv(func(k string) string { return map[string]string{EnvStore: dsn}[k] })
		require.NoError(t, err, dsn)
		assert.Equal(t, dsn, g.Store)
	}
}

// TestStoreRefusesMalformed: a DSN berth cannot use is a *SettingError
// (the CLI exits 2 before any Docker call) that names the variable and
// never shows the password.
func TestStoreRefusesMalformed(t *testing.T) {
	for dsn, reason := range map[string]string{
		"/var/lib/berth/berth.db":                         "want unset",
		"mysql://u@h/db":                                  "want unset",
		"host=db dbname=berth":                            "want unset",
		"postgres://u:s3cret@db:port/berth":               "malformed PostgreSQL URL",
		"postgres://u@db/berth?sslmode=maybe":             "malformed PostgreSQL URL",
		"postgres://u@db/berth?password=s3cret&sslmode=x": "malformed PostgreSQL URL",
		// TLS files are read when the URL is parsed: a missing one is bad input.
		"postgres://u:s3cret@db/berth?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem": "unable to read CA file",
	} {
		_, err := GateFromEnv(func(k string) string { return map[string]string{EnvStore: dsn}[k] })
		var se *SettingError
		require.True(t, errors.As(err, &se), "%s: %v", dsn, err)
		assert.Equal(t, EnvStore, se.Name)
		assert.Contains(t, se.Reason, reason, dsn)
		assert.NotContains(t, err.Error(), "s3cret", dsn)
	}
}
