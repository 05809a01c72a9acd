package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"crosswire"
	"crosswire/storetest"
)

// openTest opens a store on a new file (not ":memory:", so the tests run
// through the real split of write connection and read pool).
func openTest(tb testing.TB) crosswire.Store {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "crosswire.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) crosswire.Store { return openTest(t) })
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) crosswire.Store {
		s, err := Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, openTest)
}
