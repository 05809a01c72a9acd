package ingest

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/media"
	"crosswire/web"
)

// TestOriginalDisappearsAfterArchiving is issue 3's check: an outlet's
// article is archived with its full text and its image mirrored; then the
// outlet takes the page and the image down. A revisit marks the article
// removed at source, and the hub still serves its copy, with the notice,
// and the image.
func TestOriginalDisappearsAfterArchiving(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(s *crosswire.Source) {
		s.FullText = crosswire.FullTextAlways
		s.MirrorMedia = true
	})
	mediaDir := filepath.Join(t.TempDir(), "media")
	mirror := &media.Mirror{Dir: mediaDir, Fetcher: h.p.Fetcher, Store: h.st, Now: h.clock.Now}
	h.p.Mirror = mirror

	photo := pngImage(t, color.RGBA{20, 90, 160, 255})
	h.o.setImage("/img/ferry.png", photo)
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "/img/ferry.png", ferryParagraphs...)})
	if res := h.poll(); res.New != 1 {
		t.Fatalf("poll: %d new", res.New)
	}
	a := h.article("ferry-1")
	local := regexp.MustCompile(`<img src="(/media/([0-9a-f]{64}\.png))"`).FindStringSubmatch(a.Content)
	if local == nil {
		t.Fatalf("stored content has no mirrored image: %s", a.Content)
	}
	if strings.Contains(a.Content, h.o.url("/img/ferry.png")) {
		t.Error("stored content still points at the outlet's image")
	}
	md, err := h.st.MediaByURL(ctx, h.o.url("/img/ferry.png"))
	if err != nil || md.File != local[2] {
		t.Fatalf("media record of the original URL: %+v, %v", md, err)
	}

	// The outlet takes the article and its image down.
	h.o.setPage("/news/ferry", outletPage{Status: 404, Body: "Not found"})
	h.o.removeImage("/img/ferry.png")
	removedAt := published.Add(time.Hour)
	if n, err := h.revisitAt(removedAt); n != 1 || err != nil {
		t.Fatalf("RevisitDue: %d, %v", n, err)
	}
	if got := h.article("ferry-1"); !got.RemovedAt.Equal(removedAt) {
		t.Fatalf("RemovedAt = %v, want %v", got.RemovedAt, removedAt)
	}

	// The hub as the lead wires it: the mirror under /media/, the site
	// beside it.
	site, err := web.New(h.st, web.Options{SiteTitle: "Hub", BaseURL: "https://hub.example", CacheTTL: -1,
		Now: func() time.Time { return removedAt.Add(time.Minute) }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /media/", mirror)
	mux.Handle("/", site)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}

	rec := get(fmt.Sprintf("/articles/%d", a.ID))
	if rec.Code != 200 {
		t.Fatalf("article page: %d", rec.Code)
	}
	page := rec.Body.String()
	for _, want := range []string{
		"Removed at source on",
		`src="` + local[1] + `"`,
		"north quay", // the caption
	} {
		if !strings.Contains(page, want) {
			t.Errorf("article page lacks %q", want)
		}
	}
	for _, p := range ferryParagraphs {
		if !strings.Contains(page, p[:60]) {
			t.Errorf("article page lacks the paragraph %q", p[:60])
		}
	}

	rec = get(local[1])
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), photo) {
		t.Fatalf("GET %s: %d, %d bytes; want the mirrored image", local[1], rec.Code, rec.Body.Len())
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q", cc)
	}
	if _, err := os.Stat(filepath.Join(mediaDir, local[2][:2], local[2])); err != nil {
		t.Errorf("mirrored file: %v", err)
	}

	// Output feeds carry the copy too, with the image made absolute.
	rec = get("/feed.xml")
	if !strings.Contains(rec.Body.String(), "https://hub.example"+local[1]) {
		t.Errorf("RSS item lacks the absolute mirrored image:\n%s", rec.Body.String())
	}
}
