package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"crosswire"
	"crosswire/internal/migration"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestOpenCreatesDirectoryAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "nested", "crosswire.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	src := crosswire.Source{Slug: "kept", Name: "Kept"}
	if err := s.PutSource(ctx, &src); err != nil {
		t.Fatalf("PutSource: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Reopening applies nothing again and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var rows, newest int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&rows, &newest); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	if rows != len(ms) || newest != ms[len(ms)-1].Version {
		t.Errorf("schema_migrations has %d rows up to version %d; want %d up to %d", rows, newest, len(ms), ms[len(ms)-1].Version)
	}
	if got, err := s.SourceBySlug(ctx, "kept"); err != nil || got.Name != "Kept" {
		t.Errorf("source after reopening: %+v, %v", got, err)
	}

	var mode string
	if err := s.read.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosswire.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a database from a newer binary: %v, want an error saying so", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr string
	}{
		{"ordered by version", fstest.MapFS{
			"m/0010_later.sql": {Data: []byte("SELECT 1")},
			"m/0002_b.sql":     {Data: []byte("SELECT 1")},
			"m/0001_a.sql":     {Data: []byte("SELECT 1")},
			"m/README":         {Data: []byte("not a migration")},
		}, []int{1, 2, 10}, ""},
		{"no version", fstest.MapFS{"m/init.sql": {}}, nil, "positive version"},
		{"duplicate version", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}, nil, "already used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := migration.Load(tt.files, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("versions %v, want %v", got, tt.want)
			}
		})
	}
}

// A page read must not wait for an ingest transaction that holds the write
// lock: that is what the separate read pool is for.
func TestReadsDoNotWaitForWriter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t).(*Store)
	src := crosswire.Source{Slug: "s", Name: "S"}
	if err := s.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	a := &crosswire.Article{SourceID: src.ID, Key: "k", Title: "Before", Hash: "1", FirstSeenAt: t0, LastSeenAt: t0}
	if _, err := s.SaveArticles(ctx, []*crosswire.Article{a}); err != nil {
		t.Fatal(err)
	}

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE revisions SET title = 'During' WHERE article_id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}

	readCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	arts, err := s.Articles(readCtx, crosswire.ArticleQuery{Limit: 10})
	if err != nil {
		t.Fatalf("read while a write transaction is open: %v", err)
	}
	if len(arts) != 1 || arts[0].Title != "Before" {
		t.Errorf("read during a write saw %+v, want the committed title", arts)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Article(ctx, a.ID); got.Title != "During" {
		t.Errorf("after commit the title is %q", got.Title)
	}
}

// Concurrent pollers share the one write connection; none of them fails
// with "database is locked".
func TestConcurrentSaves(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const workers, polls = 8, 20
	var srcs []crosswire.Source
	for i := range workers {
		src := crosswire.Source{Slug: fmt.Sprintf("s%d", i)}
		if err := s.PutSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range polls {
				var batch []*crosswire.Article
				for j := range 10 {
					key := fmt.Sprintf("p%d-%d", p, j)
					batch = append(batch, &crosswire.Article{SourceID: srcs[w].ID, Key: key, Hash: key,
						FirstSeenAt: t0, LastSeenAt: t0})
				}
				if _, err := s.SaveArticles(ctx, batch); err != nil {
					errs <- err
					return
				}
				if _, err := s.Articles(ctx, crosswire.ArticleQuery{Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != workers*polls*10 {
		t.Errorf("CountArticles = %d, %v; want %d", n, err, workers*polls*10)
	}
}

func TestDSN(t *testing.T) {
	tests := []struct {
		path     string
		readOnly bool
		prefix   string
		has      []string
	}{
		{"/var/lib/crosswire/hub.db", false, "file:/var/lib/crosswire/hub.db?",
			[]string{"_journal_mode=WAL", "_txlock=immediate", "_synchronous=NORMAL", "_foreign_keys=1", "_busy_timeout="}},
		{"data/a?b#c.db", true, "file:data/a%3Fb%23c.db?", []string{"_query_only=1", "_busy_timeout="}},
		{":memory:", false, ":memory:?", []string{"_foreign_keys=1"}},
	}
	for _, tt := range tests {
		got := dsn(tt.path, tt.readOnly)
		if !strings.HasPrefix(got, tt.prefix) {
			t.Errorf("dsn(%q) = %q, want prefix %q", tt.path, got, tt.prefix)
		}
		for _, h := range tt.has {
			if !strings.Contains(got, h) {
				t.Errorf("dsn(%q) = %q, missing %q", tt.path, got, h)
			}
		}
		if tt.readOnly && strings.Contains(got, "_txlock") {
			t.Errorf("read-only dsn %q takes write locks", got)
		}
	}
}

// The page queries must walk an index, not sort the archive.
func TestQueryPlansUseIndexes(t *testing.T) {
	s := openTest(t).(*Store)
	tests := []struct {
		name string
		q    crosswire.ArticleQuery
		want string
	}{
		{"home", crosswire.ArticleQuery{SourceIDs: []int64{1, 2, 3}, Limit: 30}, "articles_display"},
		{"source", crosswire.ArticleQuery{SourceIDs: []int64{1}, Limit: 30}, "articles_source_display"},
		{"story", crosswire.ArticleQuery{StoryID: 1, Limit: 30}, "articles_story_display"},
	}
	for _, tt := range tests {
		query, args, _ := listArticles(tt.q)
		plan := explain(t, s, query, args...)
		// The page is picked on the index; only the 30 picked rows are
		// sorted again after the join.
		inner, _, _ := strings.Cut(plan, "SEARCH r")
		if !strings.Contains(inner, tt.want) || strings.Contains(inner, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want a walk of %s without a sort", tt.name, plan, tt.want)
		}
	}
	if plan := explain(t, s, `SELECT key FROM articles WHERE next_revisit_at IS NOT NULL AND next_revisit_at <= ? ORDER BY next_revisit_at, id`, 0); !strings.Contains(plan, "articles_next_revisit") {
		t.Errorf("due revisits plan %q", plan)
	}
}

func explain(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, detail)
	}
	return strings.Join(parts, "; ")
}
