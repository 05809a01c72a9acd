package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestStmtCacheNestedQueries: the same statement run again while its first
// rows are still open (in one transaction) gets a statement of its own;
// both read every row, and the cached one is reused afterwards.
func TestStmtCacheNestedQueries(t *testing.T) {
	ctx := context.Background()
	db := OpenCachingDB(dsn(filepath.Join(t.TempDir(), "cache.db"), false))
	db.SetMaxOpenConns(1)
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE n (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for v := range 3 {
		if _, err := db.ExecContext(ctx, `INSERT INTO n (v) VALUES (?)`, v); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT v FROM n WHERE v >= ? ORDER BY v`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]int
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, a)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var b int
			if err := inner.Scan(&b); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, [2]int{a, b})
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	want := [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}}
	if len(pairs) != len(want) {
		t.Fatalf("pairs %v, want %v", pairs, want)
	}
	for i := range want {
		if pairs[i] != want[i] {
			t.Fatalf("pairs %v, want %v", pairs, want)
		}
	}
	// After the rows are closed, the statement runs again with new values.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM n WHERE v >= ?`, 1).Scan(&n); err != nil || n != 2 {
		t.Errorf("count >= 1 = %d, %v; want 2", n, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM n WHERE v >= ?`, 2).Scan(&n); err != nil || n != 1 {
		t.Errorf("count >= 2 = %d, %v; want 1", n, err)
	}
}
