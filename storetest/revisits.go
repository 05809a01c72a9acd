package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"crosswire"
)

// testPageHashAndSchedule: a new article stores its page hash and first
// revisit; an unchanged re-save touches neither; a new version stores its
// own page hash (empty when its text is the feed's) and keeps the
// schedule.
func testPageHashAndSchedule(t *testing.T, s crosswire.Store) {
	src := putSource(t, s, "src")
	a := article(src, 0, "k", "Title", at(-time.Hour), t0)
	a.PageHash = "page-1"
	a.NextRevisitAt = at(time.Hour)
	save(t, s, a)
	checkEqual(t, "stored", getArticle(t, s, a.ID), *a)

	again := article(src, 0, "k", "Title", at(-time.Hour), at(time.Minute))
	again.NextRevisitAt = at(5 * time.Hour)
	if out := save(t, s, again); out[0] != crosswire.Unchanged {
		t.Fatalf("re-save outcome %v, want Unchanged", out[0])
	}
	got := getArticle(t, s, a.ID)
	if got.PageHash != "page-1" || !got.NextRevisitAt.Equal(at(time.Hour)) {
		t.Errorf("after an unchanged re-save: PageHash %q, NextRevisitAt %v; want page-1, %v", got.PageHash, got.NextRevisitAt, at(time.Hour))
	}

	v2 := article(src, 0, "k", "Title, edited", at(-time.Hour), at(2*time.Minute))
	v2.NextRevisitAt = at(9 * time.Hour)
	if out := save(t, s, v2); out[0] != crosswire.NewVersion {
		t.Fatalf("outcome %v, want NewVersion", out[0])
	}
	got = getArticle(t, s, a.ID)
	if got.PageHash != "" || !got.NextRevisitAt.Equal(at(time.Hour)) {
		t.Errorf("after a feed-text version: PageHash %q, NextRevisitAt %v; want empty, %v (schedule kept)", got.PageHash, got.NextRevisitAt, at(time.Hour))
	}
	v3 := article(src, 0, "k", "Title, edited twice", at(-time.Hour), at(3*time.Minute))
	v3.PageHash = "page-3"
	save(t, s, v3)
	if got := getArticle(t, s, a.ID); got.PageHash != "page-3" {
		t.Errorf("after a full-text version: PageHash %q, want page-3", got.PageHash)
	}
}

func testRecordRevisit(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	a := article(src, 0, "k", "Minister resigns", at(-time.Hour), t0)
	a.NextRevisitAt = at(time.Hour)
	other := article(src, 0, "o", "Other", at(-time.Hour), t0)
	save(t, s, a, other)
	before := getArticle(t, s, a.ID)

	// First revisit: only the baseline page hash.
	err := s.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: a.ID, At: at(time.Hour), PageHash: "p1",
		Next: at(6 * time.Hour), Revisits: 1})
	if err != nil {
		t.Fatalf("RecordRevisit (baseline): %v", err)
	}
	want := before
	want.PageHash, want.NextRevisitAt, want.Revisits, want.LastSeenAt = "p1", at(6*time.Hour), 1, at(time.Hour)
	checkEqual(t, "after the baseline revisit", getArticle(t, s, a.ID), want)
	if last, _ := s.LastChange(ctx, nil); !last.Equal(t0) {
		t.Errorf("LastChange after a revisit without revision = %v, want %v", last, t0)
	}

	// Second revisit: the page changed.
	rev := &crosswire.Revision{Title: a.Title, Summary: a.Summary, Content: "<p>Edited at source.</p>",
		Text: "Edited at source.", Hash: "p2"}
	err = s.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: a.ID, At: at(6 * time.Hour), PageHash: "p2",
		Revision: rev, Next: at(24 * time.Hour), Revisits: 2})
	if err != nil {
		t.Fatalf("RecordRevisit (edit): %v", err)
	}
	if rev.ID == 0 || rev.N != 2 || rev.ArticleID != a.ID || rev.Origin != crosswire.OriginPage {
		t.Errorf("revision after RecordRevisit: ID %d, N %d, ArticleID %d, Origin %q", rev.ID, rev.N, rev.ArticleID, rev.Origin)
	}
	got := getArticle(t, s, a.ID)
	want.Content, want.Text, want.Revisions, want.PageHash = rev.Content, rev.Text, 2, "p2"
	want.NextRevisitAt, want.Revisits, want.LastSeenAt = at(24*time.Hour), 2, at(6*time.Hour)
	checkEqual(t, "after the edit revisit", got, want)
	if got.Hash != a.Hash {
		t.Errorf("Hash = %q, want the feed's %q kept", got.Hash, a.Hash)
	}
	revs, err := s.Revisions(ctx, a.ID)
	if err != nil {
		t.Fatalf("Revisions: %v", err)
	}
	if len(revs) != 2 {
		t.Fatalf("Revisions: %d, want 2", len(revs))
	}
	checkEqual(t, "page revision", revs[1], crosswire.Revision{ID: rev.ID, ArticleID: a.ID, N: 2, Title: a.Title,
		Summary: a.Summary, Content: rev.Content, Text: rev.Text, Hash: "p2", Origin: "page", FetchedAt: at(6 * time.Hour)})
	if last, _ := s.LastChange(ctx, nil); !last.Equal(at(6 * time.Hour)) {
		t.Errorf("LastChange after a page revision = %v, want %v", last, at(6*time.Hour))
	}
	checkEqual(t, "the other article", getArticle(t, s, other.ID), *other)

	// The feed still carries the old text: unchanged, the page's text stays current.
	same := article(src, 0, "k", "Minister resigns", at(-time.Hour), at(7*time.Hour))
	if out := save(t, s, same); out[0] != crosswire.Unchanged {
		t.Errorf("re-poll of the feed's text after a page revision: %v, want Unchanged", out[0])
	}
	if got := getArticle(t, s, a.ID); got.Content != rev.Content || got.Revisions != 2 {
		t.Errorf("after the re-poll: Content %q, Revisions %d; want the page's text, 2", got.Content, got.Revisions)
	}

	// A stale count (another worker recorded it) changes nothing.
	err = s.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: a.ID, At: at(8 * time.Hour), PageHash: "p3",
		Revision: &crosswire.Revision{Content: "<p>x</p>", Text: "x", Hash: "p3"}, Revisits: 2})
	if !errors.Is(err, crosswire.ErrConflict) {
		t.Errorf("RecordRevisit with a stale count: %v, want ErrConflict", err)
	}
	if revs, _ := s.Revisions(ctx, a.ID); len(revs) != 2 {
		t.Errorf("a conflicting revisit stored a revision: %d revisions", len(revs))
	}
	if got := getArticle(t, s, a.ID); got.PageHash != "p2" || got.Revisits != 2 {
		t.Errorf("a conflicting revisit changed the article: PageHash %q, Revisits %d", got.PageHash, got.Revisits)
	}

	// The last revisit: none scheduled after it, so it is never due again;
	// an empty page hash (the page could not be read) keeps the stored one.
	err = s.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: a.ID, At: at(72 * time.Hour), Revisits: 3})
	if err != nil {
		t.Fatalf("RecordRevisit (last): %v", err)
	}
	got = getArticle(t, s, a.ID)
	if got.PageHash != "p2" || !got.NextRevisitAt.IsZero() || got.Revisits != 3 {
		t.Errorf("after the last revisit: PageHash %q, NextRevisitAt %v, Revisits %d", got.PageHash, got.NextRevisitAt, got.Revisits)
	}
	if due, err := s.DueRevisits(ctx, at(1000*time.Hour), 0); err != nil || len(due) != 0 {
		t.Errorf("DueRevisits after the last revisit = %d articles, %v; want none", len(due), err)
	}

	err = s.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: a.ID + other.ID + 100, Revisits: 1})
	wantNotFound(t, "RecordRevisit of an unknown article", err)
}

func testMedia(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	_, err := s.MediaByURL(ctx, "https://cdn.example/none.jpg")
	wantNotFound(t, "MediaByURL of an unknown URL", err)

	const file = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg"
	m := crosswire.Media{URL: "https://cdn.example/a.jpg?w=800", File: file, ContentType: "image/jpeg", Size: 48213,
		FetchedAt: at(time.Minute + 3*time.Millisecond)}
	if err := s.PutMedia(ctx, m); err != nil {
		t.Fatalf("PutMedia: %v", err)
	}
	// Another URL with the same bytes shares the file.
	alias := m
	alias.URL = "https://www.example/img/a.jpg"
	if err := s.PutMedia(ctx, alias); err != nil {
		t.Fatalf("PutMedia (same file): %v", err)
	}
	for _, want := range []crosswire.Media{m, alias} {
		got, err := s.MediaByURL(ctx, want.URL)
		if err != nil {
			t.Fatalf("MediaByURL(%q): %v", want.URL, err)
		}
		checkEqual(t, "media "+want.URL, got, want)
	}

	// Re-mirroring a URL updates its record.
	m2 := m
	m2.File = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752.png"
	m2.ContentType, m2.Size, m2.FetchedAt = "image/png", 999, at(time.Hour)
	if err := s.PutMedia(ctx, m2); err != nil {
		t.Fatalf("PutMedia (update): %v", err)
	}
	got, err := s.MediaByURL(ctx, m.URL)
	if err != nil {
		t.Fatalf("MediaByURL: %v", err)
	}
	checkEqual(t, "media after update", got, m2)
	if got, _ := s.MediaByURL(ctx, alias.URL); got.File != file {
		t.Errorf("updating one URL changed another's file: %q", got.File)
	}
	if err := s.PutMedia(ctx, crosswire.Media{URL: "https://cdn.example/b.jpg"}); err == nil {
		t.Error("PutMedia without a file: no error")
	}
}
