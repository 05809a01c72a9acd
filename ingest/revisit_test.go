package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"crosswire"
)

// TestRevisitDecisions follows one article through its revisits: the same
// page (nothing stored), an edit (a page revision that becomes current), a
// 404 (removed, the copy kept), a 200 again (the mark cleared).
func TestRevisitDecisions(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", ferryParagraphs...)})
	h.poll()
	a := h.article("ferry-1")
	if a.PageHash == "" {
		t.Fatalf("not extracted at poll: %s", a.ExtractNote)
	}

	// Not due yet.
	if n, err := h.revisitAt(published.Add(59 * time.Minute)); n != 0 || err != nil {
		t.Fatalf("RevisitDue before the first revisit: %d, %v", n, err)
	}

	// 1 h: the same page.
	if n, err := h.revisitAt(published.Add(time.Hour)); n != 1 || err != nil {
		t.Fatalf("RevisitDue at 1h: %d, %v", n, err)
	}
	got := h.article("ferry-1")
	if got.Revisions != 1 || got.Revisits != 1 || !got.NextRevisitAt.Equal(published.Add(6*time.Hour)) {
		t.Errorf("after an unchanged page: Revisions %d, Revisits %d, next %v", got.Revisions, got.Revisits, got.NextRevisitAt)
	}
	if !got.LastSeenAt.Equal(published.Add(time.Hour)) {
		t.Errorf("LastSeenAt = %v, want the revisit's time", got.LastSeenAt)
	}

	// 6 h: the outlet edited the article silently.
	edited := append([]string{}, ferryParagraphs...)
	edited[1] = "Engineers replaced the starboard propeller shaft, which the port authority now says was damaged by a collision with the quay rather than by the storm."
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", edited...)})
	if _, err := h.revisitAt(published.Add(6 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	got = h.article("ferry-1")
	revs := h.revisions(got.ID)
	if got.Revisions != 2 || len(revs) != 2 {
		t.Fatalf("after an edit: %d revisions, want 2", len(revs))
	}
	if revs[1].Origin != crosswire.OriginPage || !strings.Contains(revs[1].Text, "collision with the quay") || !revs[1].FetchedAt.Equal(published.Add(6*time.Hour)) {
		t.Errorf("page revision: %+v", revs[1])
	}
	if !strings.Contains(got.Text, "collision with the quay") || got.Hash != a.Hash || got.PageHash == a.PageHash {
		t.Errorf("current article after an edit: Hash kept %v, PageHash moved %v, text %q", got.Hash == a.Hash, got.PageHash != a.PageHash, got.Text)
	}
	if got.Summary != a.Summary || got.Title != a.Title {
		t.Errorf("page revision changed Summary/Title: %q %q", got.Summary, got.Title)
	}

	// The feed still carries its teaser: Unchanged, the edit stays current.
	h.clock.Set(published.Add(7 * time.Hour))
	if res := h.poll(); res.Updated != 0 {
		t.Errorf("re-poll after a page revision: %d updated", res.Updated)
	}
	if got := h.article("ferry-1"); !strings.Contains(got.Text, "collision with the quay") {
		t.Error("a re-poll of the feed replaced the page's edit")
	}

	// 24 h: the page is gone.
	h.o.setPage("/news/ferry", outletPage{Status: 404, Body: "Not found"})
	if _, err := h.revisitAt(published.Add(24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	got = h.article("ferry-1")
	if !got.RemovedAt.Equal(published.Add(24*time.Hour)) || got.Revisions != 2 || !strings.Contains(got.Text, "collision") {
		t.Errorf("after a 404: RemovedAt %v, Revisions %d", got.RemovedAt, got.Revisions)
	}

	// 72 h: it is back.
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", edited...)})
	if _, err := h.revisitAt(published.Add(72 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	got = h.article("ferry-1")
	if !got.RemovedAt.IsZero() || got.Revisions != 2 || got.Revisits != 4 || !got.NextRevisitAt.IsZero() {
		t.Errorf("after the last revisit: RemovedAt %v, Revisions %d, Revisits %d, next %v", got.RemovedAt, got.Revisions, got.Revisits, got.NextRevisitAt)
	}
	if n, _ := h.p.RevisitDue(ctx, published.Add(1000*time.Hour), 0); n != 0 {
		t.Errorf("%d revisits after the schedule ended", n)
	}
	if n := h.o.count("/news/ferry"); n != 5 {
		t.Errorf("page fetched %d times, want 5 (poll + 4 revisits)", n)
	}
}

// TestRevisitBaseline: an article whose text came from the feed gets the
// page's extraction as a baseline on its first revisit, not a revision;
// only a later change of the page is an edit.
func TestRevisitBaseline(t *testing.T) {
	long := append(append([]string{}, ferryParagraphs...), moreParagraphs...)
	h := newHarness(t, nil) // auto: the full feed text is kept
	h.o.setItems(ferryItem("<p>" + strings.Join(long, "</p><p>") + "</p><p>Reporting by M. Lindqvist.</p>"))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", long...)})
	h.poll()
	if a := h.article("ferry-1"); a.PageHash != "" || h.o.count("/news/ferry") != 0 {
		t.Fatalf("full feed text: page fetched %d times, PageHash %q", h.o.count("/news/ferry"), a.PageHash)
	}
	if _, err := h.revisitAt(published.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a := h.article("ferry-1")
	if a.Revisions != 1 || a.PageHash == "" || !strings.Contains(a.Text, "Reporting by") {
		t.Errorf("first revisit of a feed-text article: Revisions %d, PageHash %q; want 1 and a baseline", a.Revisions, a.PageHash)
	}
	long[5] = "A second vessel, ordered last year, has been delayed until next spring because of a shortage of steel at the yard."
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", long...)})
	if _, err := h.revisitAt(published.Add(6 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a := h.article("ferry-1"); a.Revisions != 2 || !strings.Contains(a.Text, "shortage of steel") {
		t.Errorf("second revisit after an edit: Revisions %d", a.Revisions)
	}
}

// TestRevisitOutcomes: what one revisit does for each answer of the page.
func TestRevisitOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		fullText    string
		paused      bool
		page        outletPage
		wantRemoved bool
		wantRevs    int
		wantErr     bool
		wantFetch   bool
	}{
		{"410", crosswire.FullTextAuto, false, outletPage{Status: 410, Body: "gone"}, true, 1, false, true},
		{"redirect home", crosswire.FullTextAuto, false, outletPage{Status: 301, Location: "/"}, true, 1, false, true},
		{"server error", crosswire.FullTextAuto, false, outletPage{Status: 503, Body: "busy"}, false, 1, true, true},
		{"edit", crosswire.FullTextAuto, false, outletPage{}, false, 2, false, true},
		{"never: edit not read", crosswire.FullTextNever, false, outletPage{}, false, 1, false, true},
		{"never: 404", crosswire.FullTextNever, false, outletPage{Status: 404}, true, 1, false, true},
		{"paused", crosswire.FullTextAuto, true, outletPage{Status: 404}, false, 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(s *crosswire.Source) { s.FullText = crosswire.FullTextAlways })
			h.o.setItems(ferryItem(ferryTeaser))
			h.o.setImage("/", []byte("home")) // the home page answers
			h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", ferryParagraphs...)})
			h.poll()
			src := h.src
			src.FullText, src.Paused = tt.fullText, tt.paused
			if err := h.st.PutSource(context.Background(), &src); err != nil {
				t.Fatal(err)
			}
			if tt.page.Status == 0 && tt.page.Location == "" {
				edited := append([]string{}, ferryParagraphs...)
				edited[0] = "The harbour ferry returned to service on Sunday, a day later than announced, after a final safety check."
				tt.page.Body = h.o.article("Ferry back in service", "", edited...)
			}
			h.o.setPage("/news/ferry", tt.page)
			n, err := h.revisitAt(published.Add(time.Hour))
			if n != 1 || (err != nil) != tt.wantErr {
				t.Errorf("RevisitDue: %d, %v; want 1 and error %v", n, err, tt.wantErr)
			}
			a := h.article("ferry-1")
			if removed := !a.RemovedAt.IsZero(); removed != tt.wantRemoved {
				t.Errorf("removed: %v, want %v", removed, tt.wantRemoved)
			}
			if a.Revisions != tt.wantRevs {
				t.Errorf("Revisions %d, want %d", a.Revisions, tt.wantRevs)
			}
			if fetched := h.o.count("/news/ferry") == 2; fetched != tt.wantFetch {
				t.Errorf("page fetched on revisit: %v, want %v", fetched, tt.wantFetch)
			}
			// Whatever happened, the schedule moved on.
			if !a.NextRevisitAt.Equal(published.Add(6 * time.Hour)) {
				t.Errorf("NextRevisitAt = %v, want %v", a.NextRevisitAt, published.Add(6*time.Hour))
			}
		})
	}
}

// TestRevisitRecordedOnce: two workers revisiting the same due article
// store one revision, not two.
func TestRevisitRecordedOnce(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", ferryParagraphs...)})
	h.poll()
	due := h.article("ferry-1")
	edited := append([]string{}, ferryParagraphs...)
	edited[2] = "Commuters said the replacement buses had been crowded and late, and several called for compensation from the operator."
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", edited...)})
	h.clock.Set(published.Add(time.Hour))
	for range 2 {
		if err := h.p.Revisit(ctx, due); err != nil {
			t.Fatalf("Revisit: %v", err)
		}
	}
	if a := h.article("ferry-1"); a.Revisions != 2 || a.Revisits != 1 {
		t.Errorf("after the same revisit twice: Revisions %d, Revisits %d; want 2, 1", a.Revisions, a.Revisits)
	}
}

// TestRevisitCompletesFailedFullText: a teaser whose page failed at the
// poll gets the page's text at the first revisit that reads it.
func TestRevisitCompletesFailedFullText(t *testing.T) {
	h := newHarness(t, nil)
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Status: 503, Body: "busy"})
	h.poll()
	if a := h.article("ferry-1"); a.ExtractNote == "" || a.PageHash != "" {
		t.Fatalf("poll with a failing page: note %q, PageHash %q", a.ExtractNote, a.PageHash)
	}
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "", ferryParagraphs...)})
	if _, err := h.revisitAt(published.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a := h.article("ferry-1")
	if a.Revisions != 2 || !strings.Contains(a.Text, ferryParagraphs[3]) || a.PageHash == "" {
		t.Errorf("after the revisit: Revisions %d, PageHash %q, text %q", a.Revisions, a.PageHash, a.Text)
	}
	// From now on it is an ordinary baseline: the same page is no edit.
	if _, err := h.revisitAt(published.Add(6 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a := h.article("ferry-1"); a.Revisions != 2 {
		t.Errorf("same page again: %d revisions", a.Revisions)
	}
}
