package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"crosswire"
	"crosswire/storetest"
	"crosswire/web"
)

// feedServer serves one RSS feed whose items the test can edit, with
// ETag validators like a real outlet.
type feedServer struct {
	mu    sync.Mutex
	items map[string]string // guid → body HTML
	order []string
	hits  int
	not   int // 304s
}

func (f *feedServer) set(guid, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[guid]; !ok {
		f.order = append(f.order, guid)
	}
	f.items[guid] = body
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Local Wire</title><link>http://wire.example/</link>`)
	for i, g := range f.order {
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s</guid><title>Headline %d</title><link>http://wire.example/a/%d?utm_source=rss</link><pubDate>Mon, 02 Mar 2026 1%d:00:00 GMT</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>`, g, i+1, i+1, i, f.items[g])
	}
	b.WriteString(`</channel></rss>`)
	etag := fmt.Sprintf(`"%d-%s"`, len(f.order), shortHash(b.String()))
	if r.Header.Get("If-None-Match") == etag {
		f.not++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, b.String())
}

func shortHash(s string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return fmt.Sprintf("%08x", h)
}

// TestEndToEnd polls a local feed server through the real pipeline, checks
// the article appears once on the site with its disclaimer, then edits the
// article at the source and checks a second revision is kept beside the
// first. It runs on SQLite, and on PostgreSQL when CROSSWIRE_TEST_POSTGRES
// is set.
func TestEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { endToEnd(t, "data/hub.db") })
	t.Run("postgres", func(t *testing.T) { endToEnd(t, storetest.PostgresDSN(t)) })
}

func endToEnd(t *testing.T, database string) {
	fs := &feedServer{items: map[string]string{}}
	fs.set("wire-1", `<p>Officials confirmed the allegations.</p><p>Ukraine's ministry said more details would follow.</p><script>alert(1)</script>`)
	fs.set("wire-2", `<p>A second, unrelated article about a rate decision.</p>`)
	srv := httptest.NewServer(fs)
	defer srv.Close()

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "hub.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`
site: {title: E2E hub, base_url: "http://hub.test"}
database: %q
polling: {allow_private: true, interval: 1m, min_interval: 1m}
sources:
  - name: Local Wire
    slug: local-wire
    country: US
    ownership: private
    language: en
    disclaimer: "Republished by the **E2E** hub for testing."
    feeds: [%q, %q]
`, database, srv.URL+"/rss", srv.URL+"/rss?second=feed"))

	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, stdio{&out, &errb}, []string{"fetch", "--config", cfgPath}); code != 0 {
		t.Fatalf("fetch exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "2 new articles") {
		t.Errorf("first fetch output: %q (want the same 2 articles stored once across 2 feeds)", out.String())
	}

	cfg, st, err := openForCLI(ctx, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(st, web.Options{SiteTitle: cfg.Site.Title, BaseURL: cfg.Site.BaseURL, Now: time.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	src, err := st.SourceBySlug(ctx, "local-wire")
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Articles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{src.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("stored %d articles, want 2 (one per item, not per feed)", len(arts))
	}
	for _, a := range arts {
		if a.StoryID == 0 {
			t.Errorf("article %q is in no story after fetch", a.Title)
		}
	}
	var first crosswire.Article
	for _, a := range arts {
		if a.GUID == "wire-1" {
			first = a
		}
	}
	if first.URL != "http://wire.example/a/1" {
		t.Errorf("canonical URL = %q (tracking parameters must go)", first.URL)
	}
	if !strings.Contains(first.Text, "allegations.\n\nUkraine's") {
		t.Errorf("plain text glued paragraphs: %q", first.Text)
	}

	page := get(t, site, fmt.Sprintf("/articles/%d", first.ID))
	for _, want := range []string{"Headline 1", "Republished by the", "<strong>E2E</strong>", `rel="canonical" href="http://wire.example/a/1"`, "Officials confirmed the allegations."} {
		if !strings.Contains(page, want) {
			t.Errorf("article page lacks %q", want)
		}
	}
	if strings.Contains(page, "alert(1)") {
		t.Error("article page carries the feed's script")
	}
	home := get(t, site, "/")
	if n := strings.Count(home, fmt.Sprintf("/articles/%d", first.ID)); n == 0 {
		t.Error("home page does not link the article")
	}

	// Unchanged feed: conditional GET, nothing new.
	out.Reset()
	if code := run(ctx, stdio{&out, &errb}, []string{"fetch", "--config", cfgPath}); code != 0 {
		t.Fatalf("second fetch exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "2 not modified") || !strings.Contains(out.String(), "0 new articles") {
		t.Errorf("second fetch: %q", out.String())
	}

	// The outlet edits the article.
	fs.set("wire-1", `<p>Officials confirmed the allegations on Monday.</p><p>Ukraine's ministry published the details.</p>`)
	out.Reset()
	if code := run(ctx, stdio{&out, &errb}, []string{"fetch", "--config", cfgPath}); code != 0 {
		t.Fatalf("third fetch exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "1 new revisions") {
		t.Errorf("third fetch: %q", out.String())
	}
	revs, err := st.Revisions(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 {
		t.Fatalf("revisions = %d, want 2", len(revs))
	}
	if !strings.Contains(revs[0].Content, "Officials confirmed the allegations.") || !strings.Contains(revs[1].Content, "on Monday") {
		t.Errorf("revisions lost content: %q / %q", revs[0].Content, revs[1].Content)
	}
	page = get(t, site, fmt.Sprintf("/articles/%d", first.ID))
	if !strings.Contains(page, "on Monday") {
		t.Error("article page does not show the latest revision")
	}
	st.Close()
}

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
