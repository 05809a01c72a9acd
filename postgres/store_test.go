package postgres

import (
	"context"
	"testing"

	"crosswire"
	"crosswire/storetest"
)

// openTest opens a store on a new, empty schema.
func openTest(tb testing.TB) crosswire.Store {
	tb.Helper()
	s, err := Open(context.Background(), storetest.PostgresDSN(tb))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.PostgresServer(t)
	storetest.Run(t, func(t *testing.T) crosswire.Store { return openTest(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.PostgresServer(b)
	storetest.Benchmark(b, openTest)
}
