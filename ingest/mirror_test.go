package ingest

import (
	"context"
	"image/color"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"crosswire"
	"crosswire/media"
)

// TestMirrorLater: with MirrorLater the poll stores the article with the
// outlet's image address and lists it; MirrorArticle then mirrors the
// image and rewrites the stored revision in place, once.
func TestMirrorLater(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(s *crosswire.Source) {
		s.FullText = crosswire.FullTextAlways
		s.MirrorMedia = true
	})
	h.p.Mirror = &media.Mirror{Dir: filepath.Join(t.TempDir(), "media"), Fetcher: h.p.Fetcher, Store: h.st, Now: h.clock.Now}
	h.p.MirrorLater = true

	h.o.setImage("/img/ferry.png", pngImage(t, color.RGBA{20, 90, 160, 255}))
	h.o.setItems(ferryItem(ferryTeaser))
	h.o.setPage("/news/ferry", outletPage{Body: h.o.article("Ferry back in service", "/img/ferry.png", ferryParagraphs...)})
	p := h.p.Poll(ctx, h.feed)
	if p.Result.Err != nil || p.Result.New != 1 {
		t.Fatalf("poll: %+v", p.Result)
	}
	a := h.article("ferry-1")
	if len(p.ToMirror) != 1 || p.ToMirror[0] != a.ID {
		t.Fatalf("ToMirror = %v, want [%d]", p.ToMirror, a.ID)
	}
	if !strings.Contains(a.Content, h.o.url("/img/ferry.png")) {
		t.Fatalf("stored before mirroring without the outlet's image: %s", a.Content)
	}
	if n := h.o.count("/img/ferry.png"); n != 0 {
		t.Errorf("the poll fetched the image %d times; MirrorLater leaves it to MirrorArticle", n)
	}

	if err := h.p.MirrorArticle(ctx, a.ID); err != nil {
		t.Fatalf("MirrorArticle: %v", err)
	}
	got := h.article("ferry-1")
	if !regexp.MustCompile(`<img src="/media/[0-9a-f]{64}\.png"`).MatchString(got.Content) {
		t.Errorf("content after MirrorArticle has no mirrored image: %s", got.Content)
	}
	if got.Revisions != 1 || got.Hash != a.Hash || got.Text != a.Text {
		t.Errorf("MirrorArticle made an edit: revisions %d, hash %q (was %q)", got.Revisions, got.Hash, a.Hash)
	}
	// Again: nothing left to mirror, nothing fetched.
	if err := h.p.MirrorArticle(ctx, a.ID); err != nil {
		t.Fatalf("MirrorArticle again: %v", err)
	}
	if n := h.o.count("/img/ferry.png"); n != 1 {
		t.Errorf("image fetched %d times, want once", n)
	}
	// The next poll of the same feed is Unchanged and lists nothing.
	if p := h.p.Poll(ctx, h.feed); p.Result.New != 0 || p.Result.Updated != 0 || len(p.ToMirror) != 0 {
		t.Errorf("second poll: %+v, ToMirror %v", p.Result, p.ToMirror)
	}
}
