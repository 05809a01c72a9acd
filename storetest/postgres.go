package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvPostgres names the variable that points tests at a PostgreSQL server,
// for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "CROSSWIRE_TEST_POSTGRES"

// PostgresServer returns the server DSN from EnvPostgres, or skips the
// test with a message saying how to run it.
func PostgresServer(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s to a database DSN, e.g. "+
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvPostgres)
	}
	return dsn
}

// PostgresDSN creates an empty schema of its own for one test, drops it
// when the test ends, and returns a DSN that uses it (tests of several
// packages run at once against one database). It skips like
// PostgresServer.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := PostgresServer(tb)
	ctx := context.Background()
	schema := fmt.Sprintf("crosswire_test_%d_%x", os.Getpid(), rand.Uint64())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(dsn, schema)
}

// WithSearchPath points a DSN (URL or key=value form) at one schema.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}
