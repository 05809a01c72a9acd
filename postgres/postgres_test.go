package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"crosswire"
	"crosswire/internal/migration"
	"crosswire/storetest"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// Processes starting together on one database migrate it once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	schemaDSN := storetest.PostgresDSN(t)
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(ctx, schemaDSN)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := stores[0].pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", rows, len(ms))
	}
	src := crosswire.Source{Slug: "s"}
	if err := stores[1].PutSource(ctx, &src); err != nil {
		t.Fatalf("PutSource: %v", err)
	}
	if got, err := stores[2].SourceBySlug(ctx, "s"); err != nil || got.ID != src.ID {
		t.Errorf("another process reads %+v, %v", got, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	schemaDSN := storetest.PostgresDSN(t)
	s, err := Open(ctx, schemaDSN)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations VALUES (9999, 'future.sql', now())`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, schemaDSN); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a database from a newer binary: %v, want an error saying so", err)
	}
}

// Workers polling feeds of one source at once store each article once:
// the per-source save lock serializes them.
func TestConcurrentSavesOfOneSource(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := crosswire.Source{Slug: "busy"}
	if err := s.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	const workers, keys = 6, 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created = map[string]int{}
		errs    []error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []*crosswire.Article
			// Every worker sees every key, in its own order.
			for j := range keys {
				key := fmt.Sprintf("k%d", (j+w*7)%keys)
				batch = append(batch, &crosswire.Article{SourceID: src.ID, Key: key, Title: key, Hash: key,
					FirstSeenAt: t0, LastSeenAt: t0.Add(time.Duration(w) * time.Second)})
			}
			out, err := s.SaveArticles(ctx, batch)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			for i, o := range out {
				if o == crosswire.Created {
					created[batch[i].Key]++
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	for j := range keys {
		if key := fmt.Sprintf("k%d", j); created[key] != 1 {
			t.Errorf("key %s created %d times, want once", key, created[key])
		}
	}
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != keys {
		t.Errorf("CountArticles = %d, %v; want %d", n, err, keys)
	}
	a, err := s.ArticleByKey(ctx, src.ID, "k0")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add((workers - 1) * time.Second); !a.LastSeenAt.Equal(want) {
		t.Errorf("LastSeenAt = %v, want the latest poll's %v", a.LastSeenAt, want)
	}
}

func TestWithSearchPath(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://u@h/db", "postgres://u@h/db?search_path=s"},
		{"postgres://u@h/db?sslmode=disable", "postgres://u@h/db?sslmode=disable&search_path=s"},
		{"host=h dbname=db", "host=h dbname=db search_path=s"},
	}
	for _, tt := range tests {
		if got := storetest.WithSearchPath(tt.dsn, "s"); got != tt.want {
			t.Errorf("WithSearchPath(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
