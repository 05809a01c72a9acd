package web

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"crosswire"
)

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("page contains %q", u)
		}
	}
}

func TestHomeListsOnlyOpenSources(t *testing.T) {
	f := newFixture(t, Options{})
	open := f.source("open", "Open Wire", crosswire.OwnershipIndependent, nil)
	notRepub := f.source("off", "Off Daily", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.Republish = false })
	ended := f.source("ended", "Ended Post", crosswire.OwnershipPublic, func(s *crosswire.Source) { s.RepublishUntil = t0.Add(-time.Hour) })
	future := f.source("future", "Future Times", crosswire.OwnershipStateOwned, func(s *crosswire.Source) { s.RepublishFrom = t0.Add(time.Hour) })
	f.article(open, "Open headline one", t0.Add(-2*time.Hour), nil)
	f.article(open, "Open headline two", t0.Add(-time.Hour), nil)
	f.article(notRepub, "Secret off headline", t0.Add(-time.Hour), nil)
	f.article(ended, "Ended headline", t0.Add(-time.Hour), nil)
	f.article(future, "Future headline", t0.Add(-time.Hour), nil)

	body := f.page("/", http.StatusOK)
	mustContain(t, body, "Open headline one", "Open headline two", "Open Wire", "Independent", "United Kingdom",
		`<time datetime="2025-03-10T11:00:00Z">`, "First paragraph of Open headline two.")
	mustNotContain(t, body, "Secret off headline", "Ended headline", "Future headline", "Off Daily", "Ended Post", "Future Times")
	if i, j := strings.Index(body, "Open headline two"), strings.Index(body, "Open headline one"); i > j {
		t.Error("newest article is not first")
	}
	// html/template writes "+" in attributes as &#43;, which browsers read back.
	mustContain(t, body, `<link rel="alternate" type="application/rss&#43;xml" title="Crosswire Test (RSS)" href="https://hub.example/feed.xml">`,
		`href="https://hub.example/feed.atom"`, `href="https://hub.example/feed.json"`)

	sources := f.page("/sources/", http.StatusOK)
	mustContain(t, sources, "Open Wire", `href="/sources/open"`)
	mustNotContain(t, sources, "Off Daily", "Ended Post", "Future Times")

	for _, slug := range []string{"off", "ended", "future", "nope"} {
		body := f.page("/sources/"+slug, http.StatusNotFound)
		mustContain(t, body, "Page not found")
	}

	// The window of "future" opens: its article appears without a
	// change in the store.
	f.advance(2 * time.Hour)
	mustContain(t, f.page("/", http.StatusOK), "Future headline")
	mustContain(t, f.page("/sources/future", http.StatusOK), "Future headline", "Future Times")
}

func TestHomeWithNothingOpen(t *testing.T) {
	f := newFixture(t, Options{})
	off := f.source("off", "Off Daily", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.Republish = false })
	f.article(off, "Hidden", t0, nil)
	body := f.page("/", http.StatusOK)
	mustContain(t, body, "Nothing is republished at the moment.")
	mustNotContain(t, body, "Hidden")
	f.page("/feed.xml", http.StatusOK)
	f.page("/stories/", http.StatusOK)
}

func TestHomePagination(t *testing.T) {
	f := newFixture(t, Options{PageSize: 2})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	for i := range 5 {
		f.article(src, fmt.Sprintf("Headline number %d", i), t0.Add(time.Duration(i)*time.Minute), nil)
	}
	p1 := f.page("/", http.StatusOK)
	mustContain(t, p1, "Headline number 4", "Headline number 3", `href="/?page=2"`)
	mustNotContain(t, p1, "Headline number 2", `rel="prev"`)
	p3 := f.page("/?page=3", http.StatusOK)
	mustContain(t, p3, "Headline number 0", `href="/?page=2"`)
	mustNotContain(t, p3, `rel="next"`)
	f.page("/?page=4", http.StatusNotFound)
	f.page("/?page=abc", http.StatusNotFound)
	f.page("/?page=0", http.StatusNotFound)
}

func TestArticlePage(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("rt", "RT", crosswire.OwnershipStateOwned, func(s *crosswire.Source) {
		s.Country = "RU"
		s.Disclaimer = "RT is funded by the **Russian state**. Read [about it](https://en.wikipedia.org/wiki/RT_(TV_network))."
	})
	pub := time.Date(2025, 3, 9, 8, 15, 0, 0, time.UTC)
	a := f.article(src, "Talks resume in Istanbul", pub, func(a *crosswire.Article) {
		a.UpdatedAt = pub.Add(90 * time.Minute)
		a.ImageURL = "https://rt.example/img/talks.jpg"
		a.Author = "Maria Ivanova"
	})

	body := f.page(fmt.Sprintf("/articles/%d-talks-resume-in-istanbul", a.ID), http.StatusOK)
	mustContain(t, body,
		"<h1>Talks resume in Istanbul</h1>",
		"State-owned", "Russia", "By Maria Ivanova",
		`<time datetime="2025-03-09T08:15:00Z">`, `<time datetime="2025-03-09T09:45:00Z">`,
		"<p>First paragraph of Talks resume in Istanbul.</p><p>Second paragraph.</p>",
		`<link rel="canonical" href="`+a.URL+`">`,
		`Originally published at <a href="`+a.URL+`" rel="noopener">rt.example</a>`,
		"RT is funded by the <strong>Russian state</strong>.",
		`<a href="https://en.wikipedia.org/wiki/RT_(TV_network)">about it</a>`,
		`<meta property="og:title" content="Talks resume in Istanbul">`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:url" content="`+a.URL+`">`,
		`<meta property="og:image" content="https://rt.example/img/talks.jpg">`,
		`<meta property="og:site_name" content="Crosswire Test">`,
		`<meta property="og:description" content="First paragraph of Talks resume in Istanbul. Second paragraph.">`,
		`href="https://hub.example/sources/rt/feed.xml"`,
	)
	mustNotContain(t, body, "Updated 1 time", "Removed at source", "Other coverage")

	// The address without a slug, or with another one, is the same page.
	if other := f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusOK); other != body {
		t.Error("/articles/{id} and /articles/{id}-{slug} differ")
	}
	f.page("/articles/999999", http.StatusNotFound)
	f.page("/articles/abc", http.StatusNotFound)
}

func TestArticlePageHasNoScript(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("evil", `Evil <script>alert("name")</script>`, crosswire.OwnershipOther, func(s *crosswire.Source) {
		s.Disclaimer = `<script>alert("disclaimer")</script> [x](javascript:alert(1))`
		s.Perspective = `<script>p</script>`
	})
	a := f.article(src, `<script>alert("title")</script> Headline`, t0, func(a *crosswire.Article) {
		a.Author = `<script>alert("author")</script>`
		a.Content = `<p>Text</p><script>alert("content")</script><img src="x.png" onerror="alert(1)"><a href="javascript:alert(2)">link</a><SCRIPT>x</SCRIPT>`
		a.Text = `<script>alert("text")</script>`
		a.ImageURL = `javascript:alert(3)`
		a.URL = `javascript:alert(4)`
		a.Categories = []string{`<script>cat</script>`}
	})
	b := f.article(src, "Second", t0, nil)
	f.story(`<script>story</script>`, a, b)

	paths := []string{"/", "/sources/", "/sources/evil", fmt.Sprintf("/articles/%d", a.ID), fmt.Sprintf("/articles/%d/history", a.ID),
		fmt.Sprintf("/stories/%d", a.StoryID), "/stories/"}
	for _, p := range paths {
		body := strings.ToLower(f.page(p, http.StatusOK))
		for _, bad := range []string{"<script", "javascript:", "onerror"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
	}
	body := f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusOK)
	mustContain(t, body, "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Headline", "<p>Text</p>")
	for _, p := range []string{"/feed.xml", "/feed.atom", "/feed.json"} {
		rec := f.get(p)
		// The feeds carry HTML as escaped text; decode it the way a reader
		// would and look again.
		items := parseFeed(t, rec)
		for _, it := range items.Entries {
			// Titles are plain text in every format; only the HTML fields
			// could carry markup.
			for _, s := range []string{it.Content, it.Summary} {
				if low := strings.ToLower(s); strings.Contains(low, "<script") || strings.Contains(low, "javascript:") {
					t.Errorf("%s: item carries %q", p, s)
				}
			}
		}
	}
}

func TestArticleOutsideWindowIs404(t *testing.T) {
	f := newFixture(t, Options{})
	closing := f.source("closing", "Closing Herald", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.RepublishUntil = t0.Add(time.Hour) })
	off := f.source("off", "Off Daily", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.Republish = false })
	a := f.article(closing, "Window headline", t0, nil)
	b := f.article(off, "Never shown", t0, nil)

	f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusOK)
	rec := f.get(fmt.Sprintf("/articles/%d", b.ID))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("closed source's article: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("404 content type %q", ct)
	}
	body := rec.Body.String()
	mustContain(t, body, "<h1>Page not found</h1>", `<link rel="stylesheet"`)
	mustNotContain(t, body, "Never shown", "sqlite", "not found:", "Off Daily")

	// The window closes an hour later: the page, cached a moment ago,
	// is not served any more, nor is its history or feed.
	f.advance(time.Hour)
	f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusNotFound)
	f.page(fmt.Sprintf("/articles/%d/history", a.ID), http.StatusNotFound)
	f.page("/sources/closing/feed.xml", http.StatusNotFound)
	mustNotContain(t, f.page("/", http.StatusOK), "Window headline")
	items := parseFeed(t, f.get("/feed.xml"))
	if len(items.Entries) != 0 {
		t.Errorf("hub feed still carries %d items of closed sources", len(items.Entries))
	}
}

func TestHistoryPageShowsWordDiff(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	a := f.article(src, "Strike hits depot", t0.Add(-3*time.Hour), func(a *crosswire.Article) {
		a.Text = "Five people were killed in the strike on Monday.\n\nOfficials gave no details."
		a.Content = "<p>Five people were killed in the strike on Monday.</p><p>Officials gave no details.</p>"
	})
	// The outlet edits the article: a second revision.
	f.advance(time.Hour)
	a2 := *a
	a2.ID = 0
	a2.Title = "Strike hits fuel depot"
	a2.Text = "Seven people were killed in the strike on Monday.\n\nOfficials gave no details."
	a2.Content = "<p>Seven people were killed in the strike on Monday.</p><p>Officials gave no details.</p>"
	a2.Hash = "h2"
	a2.LastSeenAt = f.now()
	out, err := f.store.SaveArticles(f.ctx, []*crosswire.Article{&a2})
	if err != nil || out[0] != crosswire.NewVersion {
		t.Fatalf("save revision: %v %v", out, err)
	}

	article := f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusOK)
	mustContain(t, article, fmt.Sprintf(`<a href="/articles/%d/history">Updated 1 time at source</a>`, a.ID), "Seven people were killed")

	hist := f.page(fmt.Sprintf("/articles/%d/history", a.ID), http.StatusOK)
	mustContain(t, hist, "Version 2", "Version 1", "<del>Five</del>", "<ins>Seven</ins>",
		"<ins>fuel</ins>", "First archived text", "<p>Five people were killed in the strike on Monday.</p>")
	if strings.Index(hist, "Version 2") > strings.Index(hist, "Version 1") {
		t.Error("newest version is not first")
	}
}

func TestRemovedAtSourceNotice(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	a := f.article(src, "Deleted later", t0, nil)
	if err := f.store.MarkRemoved(f.ctx, a.ID, time.Date(2025, 3, 11, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	body := f.page(fmt.Sprintf("/articles/%d", a.ID), http.StatusOK)
	mustContain(t, body, `Removed at source on <time datetime="2025-03-11T09:00:00Z">11 March 2025</time>; this is the archived copy.`,
		"First paragraph of Deleted later.")
}

func TestRemovedMarkShowsAfterCacheTTL(t *testing.T) {
	f := newFixture(t, Options{CacheTTL: 10 * time.Second})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	a := f.article(src, "Deleted later", t0, nil)
	path := fmt.Sprintf("/articles/%d", a.ID)
	mustNotContain(t, f.page(path, http.StatusOK), "Removed at source")
	if err := f.store.MarkRemoved(f.ctx, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	// MarkRemoved does not move LastChange: the cached page may serve
	// until the TTL, not after.
	f.advance(10 * time.Second)
	mustContain(t, f.page(path, http.StatusOK), "Removed at source")
}

func TestCacheFollowsLastChange(t *testing.T) {
	f := newFixture(t, Options{CacheTTL: time.Hour})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	f.article(src, "First story", t0, nil)
	mustNotContain(t, f.page("/", http.StatusOK), "Second story")
	f.advance(time.Second)
	f.article(src, "Second story", t0, nil)
	mustContain(t, f.page("/", http.StatusOK), "Second story")

	// A source edit does not move LastChange: it shows after the TTL.
	src.Disclaimer = "A new note from the publisher."
	if err := f.store.PutSource(f.ctx, src); err != nil {
		t.Fatal(err)
	}
	f.advance(time.Hour)
	mustContain(t, f.page("/sources/wire", http.StatusOK), "A new note from the publisher.")
}

func TestConditionalGet(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	f.article(src, "One", t0, nil)

	for _, p := range []string{"/feed.xml", "/feed.atom", "/feed.json", "/sources/wire/feed.xml", "/"} {
		first := f.get(p)
		etag, lm := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
		if first.Code != http.StatusOK || etag == "" {
			t.Fatalf("%s: status %d etag %q", p, first.Code, etag)
		}
		if rec := f.get(p, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s If-None-Match: status %d, %d bytes", p, rec.Code, rec.Body.Len())
		}
		if rec := f.get(p, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
			t.Errorf("%s other ETag: status %d", p, rec.Code)
		}
		if p == "/" {
			continue // pages carry no Last-Modified
		}
		if want := t0.Format(http.TimeFormat); lm != want {
			t.Errorf("%s Last-Modified %q, want %q (the store's LastChange)", p, lm, want)
		}
		if rec := f.get(p, "If-Modified-Since", lm); rec.Code != http.StatusNotModified {
			t.Errorf("%s If-Modified-Since: status %d", p, rec.Code)
		}
		if rec := f.get(p, "If-Modified-Since", t0.Add(-time.Second).Format(http.TimeFormat)); rec.Code != http.StatusOK {
			t.Errorf("%s older If-Modified-Since: status %d", p, rec.Code)
		}
		// If-None-Match wins over If-Modified-Since.
		if rec := f.get(p, "If-None-Match", `"other"`, "If-Modified-Since", lm); rec.Code != http.StatusOK {
			t.Errorf("%s mismatching ETag with matching date: status %d", p, rec.Code)
		}
	}

	old := f.get("/feed.xml").Header().Get("ETag")
	f.advance(time.Minute)
	f.article(src, "Two", t0, nil)
	rec := f.get("/feed.xml", "If-None-Match", old)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == old {
		t.Errorf("after a new article: status %d, ETag unchanged %v", rec.Code, rec.Header().Get("ETag") == old)
	}
	if lm := rec.Header().Get("Last-Modified"); lm != t0.Add(time.Minute).Format(http.TimeFormat) {
		t.Errorf("Last-Modified after a new article %q", lm)
	}
}

func TestStoryPage(t *testing.T) {
	f := newFixture(t, Options{Perspectives: []string{"russian-state", "western-public", "ukrainian", "independent"}})
	rt := f.source("rt", "RT", crosswire.OwnershipStateOwned, func(s *crosswire.Source) { s.Country = "RU"; s.Perspective = "russian-state" })
	bbc := f.source("bbc", "BBC", crosswire.OwnershipPublic, func(s *crosswire.Source) { s.Perspective = "western-public" })
	hidden := f.source("hidden", "Hidden Wire", crosswire.OwnershipIndependent, func(s *crosswire.Source) {
		s.Perspective = "independent"
		s.Republish = false
	})
	base := t0.Add(-6 * time.Hour)
	a1 := f.article(rt, "Moscow reports strike on depot", base, nil)
	a2 := f.article(bbc, "Drone strike hits fuel depot", base.Add(2*time.Hour+15*time.Minute), nil)
	a3 := f.article(rt, "Depot strike: follow-up", base.Add(4*time.Hour), nil)
	a4 := f.article(hidden, "Hidden take on depot", base.Add(time.Hour), nil)
	lone := f.article(bbc, "Unrelated weather", base, nil)
	id := f.story("Hidden take on depot", a1, a2, a3, a4)

	body := f.page(fmt.Sprintf("/stories/%d", id), http.StatusOK)
	if n := strings.Count(body, `<article class="column`); n != 2 {
		t.Errorf("%d outlet cards, want 2 (RT and BBC)", n)
	}
	mustContain(t, body,
		"<h1>Moscow reports strike on depot</h1>", // the stored title is the hidden outlet's
		"Moscow reports strike on depot", "Drone strike hits fuel depot", "Depot strike: follow-up",
		"State-owned", "Public",
		"Not covered by:", `<span class="tag tag-missing">ukrainian</span>`, `<span class="tag tag-missing">independent</span>`,
		fmt.Sprintf(`href="/articles/%d-drone-strike-hits-fuel-depot"`, a2.ID), `href="`+a2.URL+`"`,
		"2 h 15 min later", "4 h later", "Timeline",
		fmt.Sprintf(`href="https://hub.example/stories/%d/feed.xml"`, id),
	)
	mustNotContain(t, body, "Hidden take on depot", "Hidden Wire", `tag-missing">russian-state`, `tag-missing">western-public`)
	if strings.Count(body, "<li>\n      <span class=\"when\">") != 3 {
		t.Errorf("timeline should list the 3 shown articles")
	}

	// The article page links the story's other coverage.
	art := f.page(fmt.Sprintf("/articles/%d", a2.ID), http.StatusOK)
	mustContain(t, art, "Other coverage of this story", "Moscow reports strike on depot", fmt.Sprintf(`href="/stories/%d"`, id))
	mustNotContain(t, art, "Hidden take on depot")

	// The home page leads with it.
	home := f.page("/", http.StatusOK)
	mustContain(t, home, "Told by several sides")
	if strings.Index(home, "Told by several sides") > strings.Index(home, "Unrelated weather") {
		t.Error("the multi-outlet story does not lead the home page")
	}
	mustContain(t, f.page("/stories/", http.StatusOK), "Moscow reports strike on depot")
	_ = lone

	// Story feeds carry its shown articles only.
	items := parseFeed(t, f.get(fmt.Sprintf("/stories/%d/feed.json", id)))
	if len(items.Entries) != 3 {
		t.Errorf("story feed has %d items, want 3", len(items.Entries))
	}
	f.page("/stories/999999", http.StatusNotFound)
}

func TestStoryOfClosedSourcesIs404(t *testing.T) {
	f := newFixture(t, Options{})
	off := f.source("off", "Off", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.Republish = false })
	a := f.article(off, "Hidden one", t0, nil)
	b := f.article(off, "Hidden two", t0, nil)
	id := f.story("Hidden", a, b)
	f.page(fmt.Sprintf("/stories/%d", id), http.StatusNotFound)
	f.page(fmt.Sprintf("/stories/%d/feed.atom", id), http.StatusNotFound)
}

func TestNotCoveredFallsBackToOwnership(t *testing.T) {
	f := newFixture(t, Options{})
	rt := f.source("rt", "RT", crosswire.OwnershipStateOwned, nil)
	bbc := f.source("bbc", "BBC", crosswire.OwnershipPublic, nil)
	id := f.story("Summit", f.article(rt, "Summit opens", t0, nil), f.article(bbc, "Leaders meet", t0, nil))
	body := f.page(fmt.Sprintf("/stories/%d", id), http.StatusOK)
	re := regexp.MustCompile(`tag-missing">([^<]+)<`)
	var missing []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		missing = append(missing, m[1])
	}
	if got := strings.Join(missing, ","); got != "Private,Independent" {
		t.Errorf("not covered by %q, want Private,Independent", got)
	}
}

func TestRequestIDAndHeaders(t *testing.T) {
	f := newFixture(t, Options{})
	rec := f.get("/healthz", "X-Request-ID", "abc-123")
	if rec.Code != http.StatusOK || rec.Header().Get("X-Request-ID") != "abc-123" {
		t.Errorf("healthz: %d, request id %q", rec.Code, rec.Header().Get("X-Request-ID"))
	}
	a, b := f.get("/healthz", "X-Request-ID", "bad id\nwith newline"), f.get("/healthz")
	ida, idb := a.Header().Get("X-Request-ID"), b.Header().Get("X-Request-ID")
	if ida == "" || idb == "" || ida == idb || strings.Contains(ida, " ") {
		t.Errorf("generated request IDs %q, %q", ida, idb)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("CSP %q", csp)
	}

	home := f.get("/")
	css := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home.Body.String())
	if css == nil {
		t.Fatal("no versioned stylesheet link")
	}
	st := f.get(css[1])
	if st.Code != http.StatusOK || !strings.Contains(st.Header().Get("Cache-Control"), "max-age=31536000") ||
		!strings.HasPrefix(st.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", st.Code, st.Header().Get("Cache-Control"), st.Header().Get("Content-Type"))
	}
	head := httptest.NewRecorder()
	f.srv.ServeHTTP(head, httptest.NewRequest(http.MethodHead, "/", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != fmt.Sprint(home.Body.Len()) {
		t.Errorf("HEAD /: %d, %d bytes, Content-Length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
	mustContain(t, f.page("/static/nope.css", http.StatusNotFound), "Page not found")
	mustContain(t, f.page("/no/such/page", http.StatusNotFound), "Page not found")
	if rec := f.get("/sources"); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/sources/" {
		t.Errorf("/sources: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// explodingStore panics the way a bug would.
type explodingStore struct{ crosswire.Store }

func (explodingStore) Article(context.Context, int64) (crosswire.Article, error) { panic("kaboom") }

func TestPanicGives500Page(t *testing.T) {
	f := newFixture(t, Options{})
	srv, err := New(explodingStore{f.store}, Options{BaseURL: "https://hub.example", Now: f.now, Logger: f.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	a := f.article(src, "Boom", t0, nil)
	f.srv = srv
	rec := f.get(fmt.Sprintf("/articles/%d", a.ID), "X-Request-ID", "req-42")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	mustContain(t, body, "Something went wrong", "req-42")
	mustNotContain(t, body, "kaboom", "goroutine", ".go:")
}

func TestGzip(t *testing.T) {
	f := newFixture(t, Options{})
	src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
	f.article(src, "Compressed headline", t0, nil)
	for _, p := range []string{"/", "/feed.xml"} {
		plain := f.get(p)
		rec := f.get(p, "Accept-Encoding", "gzip, br")
		if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Fatalf("%s: Content-Encoding %q Vary %q", p, rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != plain.Body.String() {
			t.Errorf("%s: gzipped body differs from the plain one", p)
		}
		gzTag, plainTag := rec.Header().Get("ETag"), plain.Header().Get("ETag")
		if gzTag == plainTag {
			t.Errorf("%s: same ETag %s for both encodings", p, gzTag)
		}
		for _, tag := range []string{gzTag, plainTag} {
			if r := f.get(p, "Accept-Encoding", "gzip", "If-None-Match", tag); r.Code != http.StatusNotModified || r.Header().Get("Content-Encoding") != "" {
				t.Errorf("%s If-None-Match %s: %d", p, tag, r.Code)
			}
		}
	}
}
