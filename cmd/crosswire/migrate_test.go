package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/postgres"
	"crosswire/sqlite"
	"crosswire/storetest"
	"crosswire/transfer"
)

func migrateCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), stdio{&out, &errb}, append([]string{"migrate"}, args...))
	return code, out.String(), errb.String()
}

func TestMigrateUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no subcommand", nil, 2, "sqlite-to-postgres"},
		{"help", []string{"--help"}, 0, "sqlite-to-postgres"},
		{"unknown subcommand", []string{"postgres-to-sqlite"}, 2, `unknown subcommand "postgres-to-sqlite"`},
		{"subcommand help", []string{"sqlite-to-postgres", "--help"}, 0, "-batch"},
		{"no target", []string{"sqlite-to-postgres", "--from", "x.db"}, 2, "--to is required"},
		{"bad batch", []string{"sqlite-to-postgres", "--to", "postgres://h/db", "--batch", "0"}, 2, "--batch must be positive"},
		{"extra argument", []string{"sqlite-to-postgres", "--to", "postgres://h/db", "x.db"}, 2, `unexpected argument "x.db"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := migrateCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.code, tt.inStderr)
			}
		})
	}
}

func TestMigrateSourceErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	code, _, stderr := migrateCmd(t, "sqlite-to-postgres", "--from", missing, "--to", "postgres://127.0.0.1:1/none")
	if code != 1 || !strings.Contains(stderr, "missing.db") {
		t.Errorf("missing archive: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("the missing archive was created")
	}

	cfg := filepath.Join(dir, "crosswire.yaml")
	if err := os.WriteFile(cfg, []byte("database: postgres://127.0.0.1:1/hub\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = migrateCmd(t, "sqlite-to-postgres", "--config", cfg, "--to", "postgres://127.0.0.1:1/none")
	if code != 1 || !strings.Contains(stderr, "already PostgreSQL") {
		t.Errorf("PostgreSQL database in the config: exit %d, stderr %q", code, stderr)
	}
}

func TestProgressPrinter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	steps := []struct {
		advance time.Duration
		p       transfer.Progress
	}{
		{0, transfer.Progress{Table: "articles", Total: 5000, Done: 1000, Resumed: 1000}},
		{time.Second, transfer.Progress{Table: "articles", Total: 5000, Done: 2000, Resumed: 1000, Copied: 1000, Elapsed: time.Second}},
		{10 * time.Second, transfer.Progress{Table: "articles", Total: 5000, Done: 4000, Resumed: 1000, Copied: 3000, Elapsed: 11 * time.Second}},
		{time.Second, transfer.Progress{Table: "articles", Total: 5000, Done: 5000, Resumed: 1000, Copied: 4000,
			Elapsed: 12 * time.Second, Finished: true}},
	}

	var plain bytes.Buffer
	pp := &progressPrinter{w: &plain, now: clock, every: 10 * time.Second}
	for _, s := range steps {
		now = now.Add(s.advance)
		pp.update(s.p)
	}
	lines := strings.Split(strings.TrimSuffix(plain.String(), "\n"), "\n")
	// The start prints nothing, the batch at 1s is within the 10s interval,
	// the one at 11s prints, and so does the end.
	if len(lines) != 2 || strings.Contains(plain.String(), "\r") {
		t.Fatalf("plain output:\n%q\nwant 2 lines without carriage returns", plain.String())
	}
	if !regexp.MustCompile(`^articles +4000 / 5000 +80\.0% +273 rows/s$`).MatchString(lines[0]) {
		t.Errorf("progress line %q", lines[0])
	}
	if !regexp.MustCompile(`^articles +5000 / 5000 +100\.0% +333 rows/s  done in 12s, 1000 copied before$`).MatchString(lines[1]) {
		t.Errorf("final line %q", lines[1])
	}

	var term bytes.Buffer
	pp = &progressPrinter{w: &term, terminal: true, now: clock, every: 10 * time.Second}
	for _, s := range steps[:3] {
		now = now.Add(s.advance)
		pp.update(s.p)
	}
	pp.endLine() // interrupted
	got := term.String()
	if n := strings.Count(got, "\r\033[K"); n != 3 || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Errorf("terminal output %q: want 3 rewrites of one line, ended by the interrupt", got)
	}
}

// migrateTargetDSN creates a schema for one test, drops it after, and
// returns the DSN that selects it; it skips without a test server.
func migrateTargetDSN(t *testing.T) string {
	t.Helper()
	dsn := storetest.PostgresServer(t)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		t.Skip("these tests need CROSSWIRE_TEST_POSTGRES as a postgres:// URL")
	}
	return storetest.PostgresDSN(t)
}

// smallHub writes a hub of two sources and three articles, one with two
// revisions, and a config file naming it.
func smallHub(t *testing.T) (cfgPath string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, slug := range []string{"alpha", "beta"} {
		src := crosswire.Source{Slug: slug, Name: slug, CreatedAt: t0, UpdatedAt: t0}
		if err := st.PutSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
		f := crosswire.Feed{SourceID: src.ID, URL: "https://" + slug + ".example/rss", NextPollAt: t0}
		if err := st.PutFeed(ctx, &f); err != nil {
			t.Fatal(err)
		}
		for _, v := range [][2]string{{"one", "One"}, {"two", "Two"}, {"two", "Two, corrected"}} {
			key, title := v[0], v[1]
			a := &crosswire.Article{SourceID: src.ID, FeedID: f.ID, Key: key, Title: title,
				Hash: "h:" + title, FirstSeenAt: t0, LastSeenAt: t0}
			if _, err := st.SaveArticles(ctx, []*crosswire.Article{a}); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfgPath = filepath.Join(dir, "crosswire.yaml")
	if err := os.WriteFile(cfgPath, []byte("database: hub.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

func TestMigrateSQLiteToPostgres(t *testing.T) {
	cfg := smallHub(t)
	dsn := migrateTargetDSN(t)

	code, out, stderr := migrateCmd(t, "sqlite-to-postgres", "--config", cfg, "--to", dsn, "--batch", "2")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	wantRows := map[string]int{"sources": 2, "feeds": 2, "stories": 0, "articles": 4, "revisions": 6,
		"story_assignments": 0, "media": 0}
	for table, n := range wantRows {
		done := regexp.MustCompile(`(?m)^` + table + ` +` + fmt.Sprint(n) + ` / ` + fmt.Sprint(n) + ` +100\.0% .* done in `)
		if !done.MatchString(out) {
			t.Errorf("no progress line for %s with %d rows in:\n%s", table, n, out)
		}
		check := regexp.MustCompile(`(?m)^` + table + ` +` + fmt.Sprint(n) + ` +` + fmt.Sprint(n) + ` +([0-9a-f]{16}) +([0-9a-f]{16}) +ok$`)
		if m := check.FindStringSubmatch(out); m == nil || m[1] != m[2] {
			t.Errorf("no matching verification row for %s in:\n%s", table, out)
		}
	}
	if strings.Contains(out, "search_path") || !strings.Contains(out, "verified: ") {
		t.Errorf("output:\n%s", out)
	}

	// Run again: nothing to copy, still verified.
	code, out, stderr = migrateCmd(t, "sqlite-to-postgres", "--config", cfg, "--to", dsn)
	if code != 0 || !regexp.MustCompile(`(?m)^articles +4 / 4 .* 4 copied before$`).MatchString(out) {
		t.Errorf("second run: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}

	// The copy serves the hub: the PostgreSQL store reads it.
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := st.SourceBySlug(context.Background(), "beta")
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Articles(context.Background(), crosswire.ArticleQuery{SourceIDs: []int64{src.ID}})
	if err != nil || len(arts) != 2 {
		t.Fatalf("beta's articles: %v, %v", arts, err)
	}

	// A changed row in the target fails the verification.
	if _, err := st.Pool().Exec(context.Background(), `UPDATE revisions SET text = 'tampered' WHERE n = 2`); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = migrateCmd(t, "sqlite-to-postgres", "--config", cfg, "--to", dsn)
	if code != 1 || !regexp.MustCompile(`(?m)^revisions +6 +6 .* DIFFERS$`).MatchString(out) ||
		!strings.Contains(stderr, "verification failed: 1 of 7 tables differ") {
		t.Errorf("after tampering: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}

func TestMigrateRefusesAnotherHub(t *testing.T) {
	cfg := smallHub(t)
	dsn := migrateTargetDSN(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	other := crosswire.Source{Slug: "other"}
	if err := st.PutSource(context.Background(), &other); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := migrateCmd(t, "sqlite-to-postgres", "--config", cfg, "--to", dsn)
	if code != 1 || !strings.Contains(stderr, "other (id 1)") || !strings.Contains(stderr, "--force") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	n, err := st.CountArticles(context.Background(), crosswire.ArticleQuery{})
	if err != nil || n != 0 {
		t.Errorf("refused copy stored %d articles (%v)", n, err)
	}
}
