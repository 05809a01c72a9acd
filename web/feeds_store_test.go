package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/feed"
)

// parseFeed checks an output feed's answer and reads it with the hub's own
// parser, as any feed reader would.
func parseFeed(t *testing.T, rec *httptest.ResponseRecorder) *feed.Feed {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("feed status %d: %s", rec.Code, rec.Body.String())
	}
	f, err := feed.Parse(rec.Body.Bytes(), feed.Options{ContentType: rec.Header().Get("Content-Type"), BaseURL: "https://hub.example/"})
	if err != nil {
		t.Fatalf("feed.Parse: %v\n%s", err, rec.Body.String())
	}
	return f
}

func TestOutputFeeds(t *testing.T) {
	f := newFixture(t, Options{})
	rt := f.source("rt", "RT", crosswire.OwnershipStateOwned, func(s *crosswire.Source) {
		s.Country = "RU"
		s.Disclaimer = "RT is *state media*; we republish it so readers can compare."
	})
	bbc := f.source("bbc", "BBC News", crosswire.OwnershipPublic, nil)
	off := f.source("off", "Off Daily", crosswire.OwnershipPrivate, func(s *crosswire.Source) { s.Republish = false })
	pub := time.Date(2025, 3, 9, 8, 15, 0, 0, time.UTC)
	a := f.article(rt, "Talks resume & continue", pub, func(a *crosswire.Article) {
		a.Categories = []string{"World"}
		a.Enclosures = []crosswire.Enclosure{{URL: "https://rt.example/a.mp3", Type: "audio/mpeg", Length: 100}}
	})
	b := f.article(bbc, "Weather warning", pub.Add(time.Hour), nil)
	f.article(off, "Not in any feed", pub.Add(2*time.Hour), nil)

	formats := []struct {
		path, ctype, format string
	}{
		{"/feed.xml", "application/rss+xml; charset=utf-8", "rss"},
		{"/feed.atom", "application/atom+xml; charset=utf-8", "atom"},
		{"/feed.json", "application/feed+json; charset=utf-8", "json"},
	}
	for _, ft := range formats {
		t.Run(ft.format, func(t *testing.T) {
			rec := f.get(ft.path)
			if got := rec.Header().Get("Content-Type"); got != ft.ctype {
				t.Errorf("Content-Type %q, want %q", got, ft.ctype)
			}
			doc := parseFeed(t, rec)
			if doc.Format != ft.format || doc.Title != "Crosswire Test" {
				t.Errorf("format %q title %q", doc.Format, doc.Title)
			}
			if doc.FeedLink != "https://hub.example"+ft.path {
				t.Errorf("self link %q", doc.FeedLink)
			}
			if len(doc.Entries) != 2 {
				t.Fatalf("%d entries, want 2 (closed source left out)", len(doc.Entries))
			}
			// Newest first: the BBC article, then RT's.
			e, r := doc.Entries[1], doc.Entries[0]
			if r.Title != "Weather warning" || r.Link != b.URL {
				t.Errorf("first entry %q %q", r.Title, r.Link)
			}
			if e.Title != "Talks resume & continue" {
				t.Errorf("title %q", e.Title)
			}
			if e.Link != a.URL {
				t.Errorf("link %q, want the original %q", e.Link, a.URL)
			}
			if want := fmt.Sprintf("https://hub.example/articles/%d-talks-resume-continue", a.ID); e.ID != want {
				t.Errorf("id %q, want our copy %q", e.ID, want)
			}
			if !e.Published.Equal(pub) {
				t.Errorf("published %v, want %v", e.Published, pub)
			}
			// RSS names the outlet in <source> (checked below), the
			// others as an author.
			if ft.format != "rss" && !containsString(e.Authors, "RT") {
				t.Errorf("authors %q lack the outlet", e.Authors)
			}
			for _, want := range []string{
				"First paragraph of Talks resume &amp; continue.",
				"RT is <em>state media</em>; we republish it so readers can compare.",
				`Originally published at <a href="` + a.URL + `">rt.example</a>`,
			} {
				if !strings.Contains(e.Content, want) {
					t.Errorf("content lacks %q:\n%s", want, e.Content)
				}
			}
			if !strings.Contains(r.Content, "BBC News is republished <em>unchanged</em>.") {
				t.Errorf("BBC item lacks its own disclaimer: %s", r.Content)
			}
			if len(e.Enclosures) != 1 || e.Enclosures[0].URL != "https://rt.example/a.mp3" {
				t.Errorf("enclosures %+v", e.Enclosures)
			}
			if ft.format != "json" && !containsString(e.Categories, "World") {
				t.Errorf("categories %q", e.Categories)
			}
		})
	}

	// A source's feed carries that source only; the outlet is named in
	// RSS's <source> and Atom's <source>.
	rss := f.get("/sources/rt/feed.xml")
	doc := parseFeed(t, rss)
	if len(doc.Entries) != 1 || doc.Entries[0].Link != a.URL || doc.Title != "RT — Crosswire Test" {
		t.Errorf("source feed: %q, %d entries", doc.Title, len(doc.Entries))
	}
	mustContain(t, rss.Body.String(), `<source url="https://rt.example/rss.xml">RT</source>`, "<pubDate>Sun, 09 Mar 2025 08:15:00 +0000</pubDate>",
		`<atom:link href="https://hub.example/sources/rt/feed.xml" rel="self" type="application/rss+xml"></atom:link>`)
	atom := f.get("/sources/rt/feed.atom").Body.String()
	mustContain(t, atom, "<title type=\"text\">RT</title>", `<link href="https://rt.example/rss.xml" rel="self"></link>`, "<published>2025-03-09T08:15:00Z</published>")
	f.page("/sources/off/feed.xml", http.StatusNotFound)
	f.page("/sources/nope/feed.json", http.StatusNotFound)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
