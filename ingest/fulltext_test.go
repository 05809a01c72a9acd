package ingest

import (
	"strings"
	"testing"
	"time"

	"crosswire"
)

func ferryItem(desc string) outletItem {
	return outletItem{GUID: "ferry-1", Title: "Ferry back in service", Path: "/news/ferry", Description: desc, Published: published}
}

// TestFullTextTeaser: a teaser in the feed is replaced by the article
// extracted from the page; the feed's text stays as the summary and in
// Hash, so the next poll of the same feed is Unchanged and does not fetch
// the page again.
func TestFullTextTeaser(t *testing.T) {
	h := newHarness(t, nil)
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", ferryParagraphs...)})

	if res := h.poll(); res.New != 1 {
		t.Fatalf("first poll: %d new, want 1", res.New)
	}
	a := h.article("ferry-1")
	for _, p := range ferryParagraphs {
		if !strings.Contains(a.Text, p) {
			t.Errorf("extracted text lacks the paragraph %q", p[:40])
		}
	}
	for _, junk := range []string{"Read more", "Harbour fees", "Subscribe", "Most read", "cookies", "Share on", "Advertisement", "All rights reserved"} {
		if strings.Contains(a.Text, junk) {
			t.Errorf("extracted text carries the page's %q", junk)
		}
	}
	if !strings.Contains(a.Text, ferryParagraphs[0]+"\n\n"+ferryParagraphs[1]) {
		t.Errorf("paragraphs not kept apart in order: %q", a.Text)
	}
	if a.Summary != ferryTeaser {
		t.Errorf("Summary = %q, want the feed's teaser", a.Summary)
	}
	if a.ExtractNote != "" || a.PageHash == "" {
		t.Errorf("ExtractNote %q, PageHash %q; want none and a hash", a.ExtractNote, a.PageHash)
	}
	if a.Author != "Mara Lindqvist" {
		t.Errorf("Author = %q, want the page's byline (the feed named none)", a.Author)
	}
	if want := published.Add(time.Hour); !a.NextRevisitAt.Equal(want) {
		t.Errorf("NextRevisitAt = %v, want %v", a.NextRevisitAt, want)
	}
	revs := h.revisions(a.ID)
	if len(revs) != 1 || revs[0].Origin != crosswire.OriginFeed || revs[0].Content != a.Content {
		t.Errorf("revisions: %+v", revs)
	}

	h.clock.Set(t0.Add(5 * time.Minute))
	if res := h.poll(); res.New != 0 || res.Updated != 0 {
		t.Errorf("re-poll of the same feed: %d new, %d updated; want none", res.New, res.Updated)
	}
	if n := h.o.count("/news/ferry"); n != 1 {
		t.Errorf("page fetched %d times, want once", n)
	}

	// The outlet rewrites the teaser: a new version, with the page read again.
	h.o.setItems(ferryItem(`<p>The harbour ferry is running again, with an extra evening sailing.</p>`))
	edited := append([]string{}, ferryParagraphs...)
	edited[3] = "The operator said the timetable would run as normal from Monday, and apologised to commuters for the three weeks of disruption."
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", edited...)})
	if res := h.poll(); res.Updated != 1 {
		t.Fatalf("poll after the feed changed: %d updated, want 1", res.Updated)
	}
	b := h.article("ferry-1")
	if !strings.Contains(b.Text, "apologised to commuters") || b.Revisions != 2 || b.PageHash == a.PageHash {
		t.Errorf("new version: Revisions %d, PageHash changed %v, text %q", b.Revisions, b.PageHash != a.PageHash, b.Text)
	}
	if !b.NextRevisitAt.Equal(a.NextRevisitAt) {
		t.Errorf("a new version moved the revisit schedule: %v, want %v", b.NextRevisitAt, a.NextRevisitAt)
	}
}

// TestFullTextFailureKeepsFeedText: whatever goes wrong with the page, the
// article is stored with the feed's text and the reason.
func TestFullTextFailureKeepsFeedText(t *testing.T) {
	longFeed := "<p>" + strings.TrimSpace(strings.Repeat("The council met on Tuesday to discuss the harbour budget in detail. ", 12)) + "</p>"
	tests := []struct {
		name     string
		fullText string
		feed     string
		page     *outletPage // nil: none (404)
		wantNote string
	}{
		{"404", crosswire.FullTextAuto, ferryTeaser, nil, "HTTP 404"},
		{"410", crosswire.FullTextAuto, ferryTeaser, &outletPage{Status: 410, Body: "gone"}, "HTTP 410"},
		{"server error", crosswire.FullTextAlways, ferryTeaser, &outletPage{Status: 500, Body: "oops"}, "HTTP 500"},
		{"not html", crosswire.FullTextAuto, ferryTeaser, &outletPage{Type: "application/pdf", Body: "%PDF-1.7"}, "not an HTML page"},
		{"consent wall", crosswire.FullTextAuto, ferryTeaser,
			&outletPage{Body: `<html><body><div class="consent"><p>Please accept cookies to continue.</p></div></body></html>`}, "no article content"},
		{"page shorter than the feed", crosswire.FullTextAlways, longFeed,
			&outletPage{Body: `<html><body><article><h1>Budget</h1><p>` + strings.Repeat("Subscribe to read the full story about the harbour. ", 5) + `</p></article></body></html>`}, "shorter than the feed's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(s *crosswire.Source) { s.FullText = tt.fullText })
			h.o.setItems(ferryItem(tt.feed))
			if tt.page != nil {
				h.o.setPage("/news/ferry", *tt.page)
			}
			if res := h.poll(); res.New != 1 {
				t.Fatalf("poll: %d new, want 1 (the article is never dropped)", res.New)
			}
			a := h.article("ferry-1")
			if !strings.Contains(a.ExtractNote, tt.wantNote) {
				t.Errorf("ExtractNote = %q, want it to say %q", a.ExtractNote, tt.wantNote)
			}
			if a.Content != tt.feed || a.Summary != tt.feed || a.PageHash != "" {
				t.Errorf("stored Content %q, Summary %q, PageHash %q; want the feed's text", a.Content, a.Summary, a.PageHash)
			}
			if n := h.o.count("/news/ferry"); n != 1 {
				t.Errorf("page fetched %d times, want once", n)
			}
			// The failure is not retried on every poll: the feed text is
			// stored, the next poll is Unchanged.
			h.poll()
			if n := h.o.count("/news/ferry"); n != 1 {
				t.Errorf("page fetched %d times after a re-poll, want once", n)
			}
		})
	}
}

// TestFullTextModes: which entries have their page fetched.
func TestFullTextModes(t *testing.T) {
	long := append(append([]string{}, ferryParagraphs...), moreParagraphs...)
	fullFeed := "<p>" + strings.Join(long, "</p><p>") + "</p>"
	tests := []struct {
		name, mode, feed string
		link             string
		wantFetch        bool
	}{
		{"auto teaser", crosswire.FullTextAuto, ferryTeaser, "/news/ferry", true},
		{"auto full", crosswire.FullTextAuto, fullFeed, "/news/ferry", false},
		{"always full", crosswire.FullTextAlways, fullFeed, "/news/ferry", true},
		{"never teaser", crosswire.FullTextNever, ferryTeaser, "/news/ferry", false},
		// Private addresses are allowed here, which also lets the fetcher
		// read local files: an article link never may.
		{"file link", crosswire.FullTextAlways, ferryTeaser, "file:///etc/hostname", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(s *crosswire.Source) { s.FullText = tt.mode })
			it := ferryItem(tt.feed)
			it.Path = tt.link
			h.o.setItems(it)
			h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", long...)})
			h.poll()
			if got := h.o.count("/news/ferry") > 0; got != tt.wantFetch {
				t.Errorf("page fetched: %v, want %v", got, tt.wantFetch)
			}
			a := h.article("ferry-1")
			if extracted := a.PageHash != ""; extracted != tt.wantFetch {
				t.Errorf("content from the page: %v, want %v (note %q)", extracted, tt.wantFetch, a.ExtractNote)
			}
			if !strings.Contains(a.Text, ferryParagraphs[2]) && tt.feed != ferryTeaser {
				t.Errorf("text lost: %q", a.Text)
			}
			if !tt.wantFetch && a.ExtractNote != "" {
				t.Errorf("ExtractNote %q; want none (no page was asked for)", a.ExtractNote)
			}
			if tt.link != "/news/ferry" && !a.NextRevisitAt.IsZero() {
				t.Errorf("a non-web link is scheduled for a revisit at %v", a.NextRevisitAt)
			}
		})
	}
}

// TestFullTextBoundedConcurrency: a poll fetches its pages PageWorkers at
// a time.
func TestFullTextBoundedConcurrency(t *testing.T) {
	h := newHarness(t, nil)
	h.p.PageWorkers = 2
	h.o.delay = 20 * time.Millisecond
	var items []outletItem
	for i := range 8 {
		path := "/news/item-" + string(rune('a'+i))
		items = append(items, outletItem{GUID: path, Title: "Item " + path, Path: path, Description: ferryTeaser, Published: published})
		h.o.setPage(path, outletPage{Body: h.o.article("Item "+path, "", ferryParagraphs...)})
	}
	h.o.setItems(items...)
	if res := h.poll(); res.New != 8 {
		t.Fatalf("%d new, want 8", res.New)
	}
	h.o.mu.Lock()
	maxIn := h.o.maxIn
	h.o.mu.Unlock()
	if maxIn > 2 {
		t.Errorf("%d pages fetched at once, want at most 2", maxIn)
	}
	if maxIn < 2 {
		t.Errorf("pages fetched one at a time (max %d in flight), want 2", maxIn)
	}
	for _, it := range items {
		if a := h.article(it.GUID); a.PageHash == "" {
			t.Errorf("%s: not extracted (%s)", it.GUID, a.ExtractNote)
		}
	}
}

func TestNextRevisit(t *testing.T) {
	p := &Pipeline{Revisits: []time.Duration{24 * time.Hour, time.Hour, 6 * time.Hour}}
	pub := t0
	tests := []struct {
		now  time.Time
		want time.Time
	}{
		{t0, t0.Add(time.Hour)},
		{t0.Add(time.Hour), t0.Add(6 * time.Hour)}, // strictly after now
		{t0.Add(7 * time.Hour), t0.Add(24 * time.Hour)},
		{t0.Add(24 * time.Hour), time.Time{}},
		{t0.Add(-time.Hour), t0.Add(time.Hour)},
	}
	for _, tt := range tests {
		if got := p.nextRevisit(pub, tt.now); !got.Equal(tt.want) {
			t.Errorf("nextRevisit(now %v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if got := (&Pipeline{}).nextRevisit(pub, t0); !got.IsZero() {
		t.Errorf("no revisits configured: %v, want zero", got)
	}
}
