package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/sqlite"
)

func newTestAPI(t *testing.T) (*Handler, crosswire.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return New(st, Options{Token: "s3cret", Interval: time.Minute, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), st
}

func call(h http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAuthRequired(t *testing.T) {
	h, _ := newTestAPI(t)
	for _, tok := range []string{"", "wrong", "s3cre"} {
		if rec := call(h, "GET", "/admin/api/sources", tok, ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("token %q: status %d", tok, rec.Code)
		}
	}
	if rec := call(h, "GET", "/admin/api/sources", "s3cret", ""); rec.Code != http.StatusOK {
		t.Errorf("good token: status %d %s", rec.Code, rec.Body)
	}
	// No configured token: the API is off, whatever is sent.
	off := New(nil, Options{})
	if rec := call(off, "GET", "/admin/api/sources", "", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled API: status %d", rec.Code)
	}
}

func TestSourceLifecycle(t *testing.T) {
	h, st := newTestAPI(t)
	ctx := context.Background()
	rec := call(h, "POST", "/admin/api/sources", "s3cret", `{"name":"Meridian Wire","ownership":"private","country":"us","republish":true,"feeds":["https://meridian.example/rss"]}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	s, err := st.SourceBySlug(ctx, "meridian-wire")
	if err != nil || s.Country != "US" || s.Ownership != crosswire.OwnershipPrivate {
		t.Fatalf("stored source %+v, %v", s, err)
	}
	if rec := call(h, "POST", "/admin/api/sources", "s3cret", `{"name":"Bad","ownership":"governmental","feeds":["https://b.example/"]}`); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "ownership") {
		t.Errorf("bad ownership: %d %s", rec.Code, rec.Body)
	}
	if rec := call(h, "POST", "/admin/api/sources", "s3cret", `{"name":"Local","feeds":["/etc/passwd"]}`); rec.Code != http.StatusBadRequest {
		t.Errorf("local file over the API: %d %s", rec.Code, rec.Body)
	}
	if rec := call(h, "POST", "/admin/api/sources/meridian-wire/pause", "s3cret", ""); rec.Code != 200 {
		t.Fatalf("pause: %d %s", rec.Code, rec.Body)
	}
	if s, _ := st.SourceBySlug(ctx, "meridian-wire"); !s.Paused {
		t.Error("not paused")
	}
	if rec := call(h, "PUT", "/admin/api/sources/meridian-wire/rules", "s3cret", `{"remove":[".teaser"],"content":["article .body"]}`); rec.Code != 200 {
		t.Fatalf("rules: %d %s", rec.Code, rec.Body)
	}
	if s, _ := st.SourceBySlug(ctx, "meridian-wire"); len(s.Rules.Remove) != 1 || s.Rules.Content[0] != "article .body" {
		t.Errorf("rules not stored: %+v", s.Rules)
	}
	if rec := call(h, "DELETE", "/admin/api/sources/meridian-wire", "s3cret", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("delete without purge: %d", rec.Code)
	}
	if rec := call(h, "DELETE", "/admin/api/sources/meridian-wire?purge=1", "s3cret", ""); rec.Code != http.StatusNoContent {
		t.Errorf("delete: %d %s", rec.Code, rec.Body)
	}
	if rec := call(h, "POST", "/admin/api/sources/meridian-wire/resume", "s3cret", ""); rec.Code != http.StatusNotFound {
		t.Errorf("resume deleted: %d", rec.Code)
	}
}

func TestMergeAndSplitAreManual(t *testing.T) {
	h, st := newTestAPI(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	src := crosswire.Source{Slug: "a", Name: "A", Ownership: crosswire.OwnershipPublic, Republish: true}
	if err := st.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	var arts []*crosswire.Article
	for i := range 3 {
		arts = append(arts, &crosswire.Article{SourceID: src.ID, Key: "k" + string(rune('a'+i)), Title: "T", Hash: "h", PublishedAt: now, FirstSeenAt: now, LastSeenAt: now})
	}
	if _, err := st.SaveArticles(ctx, arts); err != nil {
		t.Fatal(err)
	}
	var stories []int64
	for _, a := range arts {
		s := crosswire.Story{Title: a.Title, FirstAt: now, LastAt: now}
		if err := st.CreateStory(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if err := st.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: a.ID, StoryID: s.ID, AssignedAt: now}}); err != nil {
			t.Fatal(err)
		}
		stories = append(stories, s.ID)
	}
	body := `{"into":` + itoa(stories[0]) + `,"from":[` + itoa(stories[1]) + `,` + itoa(stories[2]) + `]}`
	if rec := call(h, "POST", "/admin/api/stories/merge", "s3cret", body); rec.Code != 200 {
		t.Fatalf("merge: %d %s", rec.Code, rec.Body)
	}
	if s, _ := st.Story(ctx, stories[0]); s.Articles != 3 {
		t.Errorf("merged story has %d articles", s.Articles)
	}
	if _, err := st.Story(ctx, stories[1]); err == nil {
		t.Error("emptied story still exists")
	}
	if rec := call(h, "POST", "/admin/api/stories/split", "s3cret", `{"articles":[`+itoa(arts[2].ID)+`]}`); rec.Code != 200 {
		t.Fatalf("split: %d %s", rec.Code, rec.Body)
	}
	// A rebuild clears automatic assignments only: all three are manual now.
	if err := st.ClearAutomaticAssignments(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		as, err := st.Assignment(ctx, a.ID)
		if err != nil || !as.Manual {
			t.Errorf("article %d: assignment %+v, %v", a.ID, as, err)
		}
	}
	if as, _ := st.Assignment(ctx, arts[2].ID); as.StoryID == stories[0] {
		t.Error("split article still in the merged story")
	}
	if rec := call(h, "POST", "/admin/api/stories/merge", "s3cret", `{"into":999,"from":[1]}`); rec.Code != http.StatusNotFound {
		t.Errorf("merge into missing story: %d", rec.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
