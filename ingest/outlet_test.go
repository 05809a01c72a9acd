package ingest

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"crosswire"
	"crosswire/fetch"
	"crosswire/sqlite"
)

// outlet is a news site on a local test server: one RSS feed, article
// pages rendered from testdata/article.html.tmpl, and images. Tests change
// what it answers between polls.
type outlet struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	items    []outletItem
	pages    map[string]outletPage // by path
	images   map[string][]byte     // by path
	hits     map[string]int        // by path
	inFlight int
	maxIn    int
	delay    time.Duration // before answering a page
}

type outletItem struct {
	GUID, Title, Path, Description string
	Published                      time.Time
}

type outletPage struct {
	Status   int
	Body     string
	Type     string
	Location string // a redirect's target path
}

var articleTmpl = template.Must(template.ParseFiles("testdata/article.html.tmpl"))

func newOutlet(t testing.TB) *outlet {
	o := &outlet{t: t, pages: map[string]outletPage{}, images: map[string][]byte{}, hits: map[string]int{}}
	o.srv = httptest.NewServer(o)
	t.Cleanup(o.srv.Close)
	return o
}

func (o *outlet) url(path string) string { return o.srv.URL + path }

// article renders a page with paragraphs and, if image is set, a lazy lead
// image at that path.
func (o *outlet) article(title, image string, paragraphs ...string) string {
	var b strings.Builder
	data := struct {
		Title, Image string
		Paragraphs   []string
	}{Title: title, Paragraphs: paragraphs}
	if image != "" {
		data.Image = o.url(image)
	}
	if err := articleTmpl.Execute(&b, data); err != nil {
		o.t.Fatal(err)
	}
	return b.String()
}

func (o *outlet) setPage(path string, p outletPage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if p.Status == 0 {
		p.Status = 200
	}
	if p.Type == "" {
		p.Type = "text/html; charset=utf-8"
	}
	o.pages[path] = p
}

func (o *outlet) setImage(path string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.images[path] = data
}

func (o *outlet) removeImage(path string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.images, path)
}

func (o *outlet) setItems(items ...outletItem) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = items
}

func (o *outlet) count(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

func (o *outlet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits[r.URL.Path]++
	if r.URL.Path == "/rss" {
		feed := o.feed()
		o.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		io.WriteString(w, feed)
		return
	}
	if img, ok := o.images[r.URL.Path]; ok {
		o.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(img)
		return
	}
	p, ok := o.pages[r.URL.Path]
	o.inFlight++
	o.maxIn = max(o.maxIn, o.inFlight)
	delay := o.delay
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.inFlight--
		o.mu.Unlock()
	}()
	if delay > 0 {
		time.Sleep(delay)
	}
	switch {
	case !ok:
		http.NotFound(w, r)
	case p.Location != "":
		http.Redirect(w, r, o.url(p.Location), p.Status)
	default:
		w.Header().Set("Content-Type", p.Type)
		w.WriteHeader(p.Status)
		io.WriteString(w, p.Body)
	}
}

func (o *outlet) feed() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>The Harbour Courier</title><link>` + o.srv.URL + `/</link>`)
	for _, it := range o.items {
		link := it.Path
		if !strings.Contains(link, ":") {
			link = o.url(link)
		}
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item>`,
			html.EscapeString(it.GUID), html.EscapeString(it.Title), html.EscapeString(link),
			it.Published.Format(time.RFC1123Z), html.EscapeString(it.Description))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// The story the tests tell: a ferry back in service. Paragraphs are long
// enough that the page is an article to the extractor.
var ferryParagraphs = []string{
	"The harbour ferry returned to service on Saturday morning after a three-week repair, carrying its first passengers across the bay shortly after seven.",
	"Engineers replaced the starboard propeller shaft, which cracked during the storm in February, and the port authority said the vessel passed its inspection on Friday.",
	"Commuters who had relied on the replacement bus service, which added forty minutes to the crossing, welcomed the return of the ferry at the north quay.",
	"The operator said the timetable would run as normal from Monday, with an extra evening sailing during the first week to clear the backlog of freight.",
}

// moreParagraphs make the story long enough (with ferryParagraphs, over
// content.TeaserWords) that a feed carrying it whole is not a teaser.
var moreParagraphs = []string{
	"Passenger numbers on the route have grown by a fifth since the new terminal opened, and the port authority expects the summer season to set a record.",
	"A second vessel, ordered from a yard in the north last year, is due to enter service in the autumn and will allow sailings every thirty minutes at peak times.",
	"The harbour master said the repair had been complicated by the age of the ferry, whose original parts are no longer made and had to be machined locally.",
	"Local businesses near the south quay reported a drop in trade during the closure and have asked the council for help with their business rates this year.",
}

const ferryTeaser = `<p>The harbour ferry is back in service after three weeks of repairs.</p>`

// clock is a settable time for Pipeline.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// t0 is when the tests' first poll runs; the ferry story was published
// ten minutes before.
var (
	t0        = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	published = t0.Add(-10 * time.Minute)
	revisits  = []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}
)

type harness struct {
	t      testing.TB
	o      *outlet
	st     crosswire.Store
	p      *Pipeline
	clock  *clock
	src    crosswire.Source
	feed   crosswire.Feed
	logBuf *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newHarness wires a pipeline to an outlet through the real fetcher (with
// private addresses allowed: the outlet is on loopback) and a SQLite
// store. mod adjusts the source before it is stored.
func newHarness(t testing.TB, mod func(*crosswire.Source)) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src := crosswire.Source{Slug: "courier", Name: "The Harbour Courier", Ownership: crosswire.OwnershipPrivate,
		Language: "en", Republish: true, FullText: crosswire.FullTextAuto}
	if mod != nil {
		mod(&src)
	}
	if err := st.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	o := newOutlet(t)
	fd := crosswire.Feed{SourceID: src.ID, URL: o.url("/rss")}
	if err := st.PutFeed(ctx, &fd); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: t0}
	logs := &syncBuffer{}
	client := fetch.New(fetch.Options{AllowPrivate: true, Timeout: 10 * time.Second})
	t.Cleanup(client.CloseIdleConnections)
	p := &Pipeline{Store: st, Fetcher: client, Now: c.Now, Revisits: revisits,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	return &harness{t: t, o: o, st: st, p: p, clock: c, src: src, feed: fd, logBuf: logs}
}

// poll polls the feed and fails the test on an error.
func (h *harness) poll() crosswire.PollResult {
	h.t.Helper()
	res := h.p.Poll(context.Background(), h.feed)
	if res.Result.Err != nil {
		h.t.Fatalf("poll: %v", res.Result.Err)
	}
	h.feed = res.Feed
	return res.Result
}

func (h *harness) article(guid string) crosswire.Article {
	h.t.Helper()
	a, err := h.st.ArticleByKey(context.Background(), h.src.ID, "id:"+guid)
	if err != nil {
		h.t.Fatalf("article %s: %v", guid, err)
	}
	return a
}

func (h *harness) revisions(id int64) []crosswire.Revision {
	h.t.Helper()
	revs, err := h.st.Revisions(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return revs
}

// revisitAt moves the clock and runs RevisitDue, returning how many it
// handled.
func (h *harness) revisitAt(at time.Time) (int, error) {
	h.clock.Set(at)
	return h.p.RevisitDue(context.Background(), at, 0)
}

func pngImage(t testing.TB, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
