package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"crosswire"
)

// TestFeedsMirroredImagesAbsolute: mirrored images are stored as the
// hub's own paths; the article page keeps them site-relative, every output
// feed makes them absolute against BaseURL, including a base with a path.
func TestFeedsMirroredImagesAbsolute(t *testing.T) {
	const img = "/hub/media/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae.png"
	for _, base := range []string{"https://news.example", "https://news.example/hub/"} {
		f := newFixture(t, Options{BaseURL: base})
		src := f.source("wire", "Wire", crosswire.OwnershipPrivate, nil)
		a := f.article(src, "Ferry back", time.Date(2025, 3, 9, 8, 0, 0, 0, time.UTC), func(a *crosswire.Article) {
			a.Content = `<p>Lead.</p><figure><img src="` + img + `" alt="ferry"/></figure>` +
				`<p>See <a href="https://wire.example/more">more</a> and <a href="#notes">notes</a>.</p>`
		})
		page := f.page(fmt.Sprintf("/articles/%d", a.ID), 200)
		mustContain(t, page, `src="`+img+`"`)
		for _, path := range []string{"/feed.xml", "/feed.atom", "/feed.json", "/sources/wire/feed.xml"} {
			doc := parseFeed(t, f.get(path))
			if len(doc.Entries) != 1 {
				t.Fatalf("%s: %d entries", path, len(doc.Entries))
			}
			c := doc.Entries[0].Content
			if !strings.Contains(c, `src="https://news.example`+img+`"`) {
				t.Errorf("%s (base %s): image not absolute: %s", path, base, c)
			}
			if !strings.Contains(c, `href="https://wire.example/more"`) || !strings.Contains(c, `href="#notes"`) {
				t.Errorf("%s: absolute links or fragments changed: %s", path, c)
			}
		}
	}
}

func TestAbsURL(t *testing.T) {
	base, _ := url.Parse("https://news.example/hub")
	tests := []struct{ in, want string }{
		{"/media/a.png", "https://news.example/media/a.png"},
		{"media/a.png", "https://news.example/hub/media/a.png"},
		{"https://cdn.example/a.png", "https://cdn.example/a.png"},
		{"mailto:desk@wire.example", "mailto:desk@wire.example"},
		{"#top", "#top"},
		{"", ""},
		{"//cdn.example/a.png", "https://cdn.example/a.png"},
	}
	for _, tt := range tests {
		if got := absURL(tt.in, base); got != tt.want {
			t.Errorf("absURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := absSrcset("/a.png 1x, https://x.example/b.png 2x", base); got != "https://news.example/a.png 1x, https://x.example/b.png 2x" {
		t.Errorf("absSrcset = %q", got)
	}
}
