package transfer

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"crosswire"
	"crosswire/postgres"
	"crosswire/sqlite"
	"crosswire/storetest"
)

func openTarget(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openSource(t *testing.T, path string) *Transfer {
	t.Helper()
	db, err := OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &Transfer{Src: db}
}

func readSQLiteHub(t *testing.T, path string) hubState {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	defer st.Close()
	return readHub(t, st)
}

func verifyOK(t *testing.T, tr *Transfer) []Check {
	t.Helper()
	checks, err := tr.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, c := range checks {
		if !c.OK() {
			t.Errorf("verify %s: sqlite %d rows %s, postgres %d rows %s", c.Table, c.SourceRows, c.SourceSum[:12],
				c.TargetRows, c.TargetSum[:12])
		}
	}
	return checks
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestCopyReadsBackEqual(t *testing.T) {
	ctx := context.Background()
	path := buildHub(t)
	want := readSQLiteHub(t, path)
	before := fileSum(t, path)

	dst := openTarget(t, storetest.PostgresDSN(t))
	tr := openSource(t, path)
	tr.Dst, tr.BatchSize = dst.Pool(), 2
	var finished []Progress
	tr.Progress = func(p Progress) {
		if p.Finished {
			finished = append(finished, p)
		}
	}
	if err := tr.Copy(ctx); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	checks := verifyOK(t, tr)

	wantOrder := []string{"sources", "feeds", "stories", "articles", "revisions", "story_assignments", "media"}
	if len(checks) != len(wantOrder) || len(finished) != len(wantOrder) {
		t.Fatalf("%d checks, %d tables copied; want %d tables", len(checks), len(finished), len(wantOrder))
	}
	wantRows := map[string]int64{"sources": 2, "feeds": 3, "stories": 2, "articles": 5, "revisions": 7,
		"story_assignments": 3, "media": 2}
	for i, name := range wantOrder {
		if checks[i].Table != name || finished[i].Table != name {
			t.Errorf("table %d: copied %s, verified %s; want %s", i, finished[i].Table, checks[i].Table, name)
		}
		if p := finished[i]; p.Total != wantRows[name] || p.Copied != p.Total || p.Done != p.Total || p.Resumed != 0 || p.Skipped != 0 {
			t.Errorf("progress of %s: %+v; want %d rows copied", name, p, wantRows[name])
		}
		if checks[i].SourceRows != wantRows[name] {
			t.Errorf("verify %s: %d sqlite rows, want %d", name, checks[i].SourceRows, wantRows[name])
		}
	}

	checkHubsEqual(t, readHub(t, dst), want)
	if fileSum(t, path) != before {
		t.Error("the SQLite file changed during the copy")
	}

	// A second run finds nothing to do and changes nothing.
	finished = nil
	if err := tr.Copy(ctx); err != nil {
		t.Fatalf("second Copy: %v", err)
	}
	for _, p := range finished {
		if p.Copied != 0 || p.Resumed != p.Total {
			t.Errorf("second run, %s: %+v; want nothing copied", p.Table, p)
		}
	}
	verifyOK(t, tr)
}

func TestCopyResumesAfterInterrupt(t *testing.T) {
	path := buildHub(t)
	want := readSQLiteHub(t, path)
	dst := openTarget(t, storetest.PostgresDSN(t))
	tr := openSource(t, path)
	tr.Dst, tr.BatchSize = dst.Pool(), 2

	// Interrupt after the first batch of articles has committed.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr.Progress = func(p Progress) {
		if p.Table == "articles" && p.Copied > 0 && !p.Finished {
			cancel()
		}
	}
	err := tr.Copy(ctx)
	if err == nil || ctx.Err() == nil {
		t.Fatalf("interrupted Copy returned %v", err)
	}
	count := func(table string) int64 {
		var n int64
		if err := dst.Pool().QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("articles"); n != 2 {
		t.Errorf("after the interrupt the target has %d articles, want the first batch of 2", n)
	}
	if n := count("revisions"); n != 0 {
		t.Errorf("after the interrupt the target has %d revisions, want 0", n)
	}
	checks, err := tr.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	bad := 0
	for _, c := range checks {
		if !c.OK() {
			bad++
		}
	}
	if bad == 0 {
		t.Error("Verify of a half copy reports every table equal")
	}

	var resumed Progress
	tr.Progress = func(p Progress) {
		if p.Table == "articles" && p.Finished {
			resumed = p
		}
	}
	if err := tr.Copy(context.Background()); err != nil {
		t.Fatalf("resumed Copy: %v", err)
	}
	if resumed.Resumed != 2 || resumed.Copied != 3 || resumed.Skipped != 0 {
		t.Errorf("resumed articles: %+v; want 2 kept, 3 copied, none read twice", resumed)
	}
	verifyOK(t, tr)
	checkHubsEqual(t, readHub(t, dst), want)
}

func TestCopyMovesSequences(t *testing.T) {
	ctx := context.Background()
	path := buildHub(t)
	want := readSQLiteHub(t, path)
	dst := openTarget(t, storetest.PostgresDSN(t))
	tr := openSource(t, path)
	tr.Dst = dst.Pool()
	if err := tr.Copy(ctx); err != nil {
		t.Fatalf("Copy: %v", err)
	}

	var maxSource, maxFeed, maxArticle, maxStory int64
	for _, s := range want.Sources {
		maxSource = max(maxSource, s.ID)
	}
	for _, f := range want.Feeds {
		maxFeed = max(maxFeed, f.ID)
	}
	for _, a := range want.Articles {
		maxArticle = max(maxArticle, a.ID)
	}
	for _, s := range want.Stories {
		maxStory = max(maxStory, s.ID)
	}
	// "gone" held ID 2 in SQLite; its slug is free again.
	src := crosswire.Source{Slug: "gamma", Name: "Gamma", CreatedAt: t0, UpdatedAt: t0}
	if err := dst.PutSource(ctx, &src); err != nil {
		t.Fatalf("PutSource after the copy: %v", err)
	}
	if src.ID <= maxSource {
		t.Errorf("new source ID %d, want > %d", src.ID, maxSource)
	}
	f := crosswire.Feed{SourceID: src.ID, URL: "https://gamma.example/rss"}
	if err := dst.PutFeed(ctx, &f); err != nil {
		t.Fatalf("PutFeed after the copy: %v", err)
	}
	if f.ID <= maxFeed {
		t.Errorf("new feed ID %d, want > %d", f.ID, maxFeed)
	}
	a := &crosswire.Article{SourceID: src.ID, FeedID: f.ID, Key: "g1", Title: "New", Hash: "h:g1",
		FirstSeenAt: at(time.Hour), LastSeenAt: at(time.Hour)}
	out, err := dst.SaveArticles(ctx, []*crosswire.Article{a})
	if err != nil || len(out) != 1 || out[0] != crosswire.Created {
		t.Fatalf("SaveArticles after the copy: %v %v", out, err)
	}
	if a.ID <= maxArticle {
		t.Errorf("new article ID %d, want > %d", a.ID, maxArticle)
	}
	revs, err := dst.Revisions(ctx, a.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("Revisions of the new article: %v %v", revs, err)
	}
	var maxRevision int64
	for _, rs := range want.Revisions {
		for _, r := range rs {
			maxRevision = max(maxRevision, r.ID)
		}
	}
	if revs[0].ID <= maxRevision {
		t.Errorf("new revision ID %d, want > %d", revs[0].ID, maxRevision)
	}
	s := crosswire.Story{Title: "New story"}
	if err := dst.CreateStory(ctx, &s); err != nil {
		t.Fatalf("CreateStory after the copy: %v", err)
	}
	if s.ID <= maxStory {
		t.Errorf("new story ID %d, want > %d", s.ID, maxStory)
	}
}

func TestCopyRefusesDifferentHub(t *testing.T) {
	ctx := context.Background()
	path := buildHub(t)
	dst := openTarget(t, storetest.PostgresDSN(t))
	other := crosswire.Source{Slug: "other", Name: "Another hub's outlet", CreatedAt: t0, UpdatedAt: t0}
	if err := dst.PutSource(ctx, &other); err != nil {
		t.Fatal(err)
	}
	tr := openSource(t, path)
	tr.Dst = dst.Pool()
	err := tr.Copy(ctx)
	if !errors.Is(err, ErrDifferentHub) {
		t.Fatalf("Copy into another hub's database: %v, want ErrDifferentHub", err)
	}
	if arts, _ := dst.Articles(ctx, crosswire.ArticleQuery{}); len(arts) != 0 {
		t.Errorf("refused copy stored %d articles", len(arts))
	}

	// Forced, the copy runs, and verification shows the clash: the
	// target's "other" holds ID 1, so alpha was skipped.
	tr.Force = true
	if err := tr.Copy(ctx); err != nil {
		t.Fatalf("forced Copy: %v", err)
	}
	checks, err := tr.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, c := range checks {
		if c.Table == "sources" && c.OK() {
			t.Errorf("verify sources after a forced copy over another hub: %+v, want a difference", c)
		}
	}
}

func TestVerifyDetectsChangedContent(t *testing.T) {
	ctx := context.Background()
	path := buildHub(t)
	dst := openTarget(t, storetest.PostgresDSN(t))
	tr := openSource(t, path)
	tr.Dst = dst.Pool()
	if err := tr.Copy(ctx); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	verifyOK(t, tr)
	tests := []struct {
		table, update, undo string
	}{
		{"revisions", `UPDATE revisions SET content = content || ' ' WHERE id = 1`,
			`UPDATE revisions SET content = rtrim(content) WHERE id = 1`},
		{"feeds", `UPDATE feeds SET next_poll_at = next_poll_at + interval '1 millisecond' WHERE next_poll_at IS NOT NULL`,
			`UPDATE feeds SET next_poll_at = next_poll_at - interval '1 millisecond' WHERE next_poll_at IS NOT NULL`},
		{"story_assignments", `UPDATE story_assignments SET manual = NOT manual WHERE article_id = 1`,
			`UPDATE story_assignments SET manual = NOT manual WHERE article_id = 1`},
		{"articles", `UPDATE articles SET categories = '["politics"]' WHERE key = 'b1'`,
			`UPDATE articles SET categories = '["політика"]' WHERE key = 'b1'`},
	}
	for _, tt := range tests {
		if _, err := dst.Pool().Exec(ctx, tt.update); err != nil {
			t.Fatalf("%s: %v", tt.update, err)
		}
		checks, err := tr.Verify(ctx)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		for _, c := range checks {
			if c.OK() != (c.Table != tt.table) {
				t.Errorf("after %q: verify %s ok = %v", tt.update, c.Table, c.OK())
			}
			if c.SourceRows != c.TargetRows {
				t.Errorf("after %q: %s counts %d and %d", tt.update, c.Table, c.SourceRows, c.TargetRows)
			}
		}
		if _, err := dst.Pool().Exec(ctx, tt.undo); err != nil {
			t.Fatalf("%s: %v", tt.undo, err)
		}
		verifyOK(t, tr)
	}
}

func TestOpenSQLiteIsReadOnly(t *testing.T) {
	ctx := context.Background()
	path := buildHub(t)
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DELETE FROM sources`); err == nil {
		t.Error("a write through the read-only archive succeeded")
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sources`).Scan(&n); err != nil || n != 2 {
		t.Errorf("sources: %d, %v; want 2", n, err)
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := OpenSQLite(ctx, missing); err == nil {
		t.Error("OpenSQLite of a missing file succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenSQLite created %s (%v)", missing, err)
	}
}
