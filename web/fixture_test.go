package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"crosswire"
	"crosswire/sqlite"
)

// fixture is a Server over a real SQLite store with a clock the test moves.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	store *sqlite.Store
	clock atomic.Int64 // unix nanoseconds
	srv   *Server
	seq   int
}

// t0 is the fixture's "now" at start.
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func newFixture(t testing.TB, opt Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ctx: ctx, store: st}
	f.clock.Store(t0.UnixNano())
	if opt.SiteTitle == "" {
		opt.SiteTitle = "Crosswire Test"
	}
	if opt.BaseURL == "" {
		opt.BaseURL = "https://hub.example"
	}
	opt.Now = f.now
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f.srv, err = New(st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) now() time.Time { return time.Unix(0, f.clock.Load()).UTC() }

func (f *fixture) advance(d time.Duration) { f.clock.Add(int64(d)) }

// source stores an outlet; edit adjusts it before it is stored.
func (f *fixture) source(slug, name string, own crosswire.Ownership, edit func(*crosswire.Source)) *crosswire.Source {
	f.t.Helper()
	s := &crosswire.Source{
		Slug: slug, Name: name, Homepage: "https://" + slug + ".example/", Country: "GB",
		Ownership: own, Language: "en", Republish: true,
		Disclaimer: name + " is republished *unchanged*. See [their site](https://" + slug + ".example/).",
		FullText:   crosswire.FullTextAuto,
	}
	if edit != nil {
		edit(s)
	}
	if err := f.store.PutSource(f.ctx, s); err != nil {
		f.t.Fatal(err)
	}
	feed := &crosswire.Feed{SourceID: s.ID, URL: "https://" + slug + ".example/rss.xml", Interval: time.Hour}
	if err := f.store.PutFeed(f.ctx, feed); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// article stores an article of src published at pub; edit adjusts it.
func (f *fixture) article(src *crosswire.Source, title string, pub time.Time, edit func(*crosswire.Article)) *crosswire.Article {
	f.t.Helper()
	f.seq++
	key := fmt.Sprintf("%s-%d", src.Slug, f.seq)
	a := &crosswire.Article{
		SourceID:    src.ID,
		Key:         key,
		GUID:        key,
		URL:         "https://" + src.Slug + ".example/news/" + key,
		Title:       title,
		Author:      "A. Writer",
		Summary:     "<p>Summary of " + title + "</p>",
		Content:     "<p>First paragraph of " + title + ".</p><p>Second paragraph.</p>",
		Text:        "First paragraph of " + title + ".\n\nSecond paragraph.",
		Language:    src.Language,
		PublishedAt: pub,
		FirstSeenAt: f.now(),
		LastSeenAt:  f.now(),
		Hash:        "h-" + key,
	}
	if edit != nil {
		edit(a)
	}
	if _, err := f.store.SaveArticles(f.ctx, []*crosswire.Article{a}); err != nil {
		f.t.Fatal(err)
	}
	return a
}

// story groups arts into a new story titled title.
func (f *fixture) story(title string, arts ...*crosswire.Article) int64 {
	f.t.Helper()
	st := &crosswire.Story{Title: title, FirstAt: arts[0].PublishedAt, LastAt: arts[0].PublishedAt, UpdatedAt: f.now()}
	if err := f.store.CreateStory(f.ctx, st); err != nil {
		f.t.Fatal(err)
	}
	for _, a := range arts {
		if err := f.store.AssignArticles(f.ctx, []crosswire.StoryAssignment{{ArticleID: a.ID, StoryID: st.ID, Score: 1, AssignedAt: f.now()}}); err != nil {
			f.t.Fatal(err)
		}
		a.StoryID = st.ID
	}
	return st.ID
}

func (f *fixture) get(path string, header ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// page GETs path and wants status.
func (f *fixture) page(path string, status int) string {
	f.t.Helper()
	rec := f.get(path)
	if rec.Code != status {
		f.t.Fatalf("GET %s: status %d, want %d\n%s", path, rec.Code, status, rec.Body.String())
	}
	return rec.Body.String()
}
