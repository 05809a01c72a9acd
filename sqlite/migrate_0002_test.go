package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"crosswire"
	"crosswire/internal/migration"
)

// TestMigrate0002KeepsArticles opens a database written by the first
// schema: its articles survive with an empty page hash, and media can be
// recorded.
func TestMigrate0002KeepsArticles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
		ms[0].SQL,
		`INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`,
		`INSERT INTO sources (id, slug) VALUES (1, 'old')`,
		`INSERT INTO articles (id, source_id, key, first_seen_at, last_seen_at, display_at, changed_at, hash)
			VALUES (7, 1, 'k', 1000, 1000, 1000, 1000, 'h')`,
		`INSERT INTO revisions (article_id, n, title, text, fetched_at) VALUES (7, 1, 'Old title', 'Old text', 1000)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	a, err := s.Article(ctx, 7)
	if err != nil {
		t.Fatalf("Article: %v", err)
	}
	if a.Title != "Old title" || a.PageHash != "" || a.Hash != "h" {
		t.Errorf("migrated article: Title %q, PageHash %q, Hash %q", a.Title, a.PageHash, a.Hash)
	}
	if err := s.PutMedia(ctx, crosswire.Media{URL: "https://x.example/a.png", File: "ab.png"}); err != nil {
		t.Errorf("PutMedia after migrating: %v", err)
	}
}
