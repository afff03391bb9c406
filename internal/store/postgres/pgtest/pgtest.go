// Package pgtest gives tests a PostgreSQL database: the one
// BERTH_TEST_POSTGRES names (scripts/test starts a throwaway server and
// sets it; scripts/postgres.sh start prints one for a manual run). Without
// it a test is skipped in a plain `go test`, and fails when
// BERTH_INTEGRATION=1, so CI never passes without PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/internal/store/postgres"
)

// EnvDSN names the variable that holds the test database's DSN.
const EnvDSN = "BERTH_TEST_POSTGRES"

// DSN returns the test database's DSN after checking that it answers. It
// skips t when none is given and BERTH_INTEGRATION is not 1, and fails t
// when the one given does not answer, or when none is given under
// BERTH_INTEGRATION=1.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("BERTH_INTEGRATION") == "1" {
			t.Fatalf("%s is not set: PostgreSQL tests need a server (scripts/test starts one; "+
				"or run: export %s=$(scripts/postgres.sh start))", EnvDSN, EnvDSN)
		}
		t.Skipf("no PostgreSQL: set %s (scripts/postgres.sh start prints one) to run this test", EnvDSN)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := postgres.Connect(ctx, dsn, postgres.ConnectOptions{})
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	srv.Close()
	return dsn
}

// DaemonID returns a new random daemon ID, so a test gets a schema of its
// own, dropped when t ends.
func DaemonID(t testing.TB, dsn string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := "test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() { DropSchema(t, dsn, postgres.SchemaOf(id)) })
	return id
}

// DropSchema drops schema and everything in it.
func DropSchema(t testing.TB, dsn, schema string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}

// Database creates a database of t's own on the server dsn names and
// returns its DSN; it is dropped (its sessions ended) when t ends. A test
// whose berth processes share "one store" gets one that no other test
// shares, so gc in one test never sees another's environments.
func Database(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "berth_t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
