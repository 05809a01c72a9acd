package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"crosswire"
	"crosswire/storetest"

	"github.com/jackc/pgx/v5"
)

// envDSN names the variable that points the tests at a PostgreSQL server,
// for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const envDSN = "CROSSWIRE_TEST_POSTGRES"

func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		tb.Skipf("PostgreSQL store tests skipped: set %s to a database DSN, e.g. "+
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", envDSN)
	}
	return dsn
}

// withSearchPath points a DSN (URL or key=value form) at one schema.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

// newSchema creates a schema of its own for one test and drops it after.
func newSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	ctx := context.Background()
	schema := fmt.Sprintf("crosswire_test_%d_%x", os.Getpid(), rand.Uint64())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to %s: %v", envDSN, err)
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
	return schema
}

// openTest opens a store on a new, empty schema.
func openTest(tb testing.TB) crosswire.Store {
	tb.Helper()
	dsn := testDSN(tb)
	schema := newSchema(tb, dsn)
	s, err := Open(context.Background(), withSearchPath(dsn, schema))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) crosswire.Store { return openTest(t) })
}

func BenchmarkStore(b *testing.B) {
	testDSN(b)
	storetest.Benchmark(b, openTest)
}
