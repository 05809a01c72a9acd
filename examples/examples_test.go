// Package examples_test checks the bundled configurations and the offline
// demo's sample feeds: the README's first command depends on them, and the
// feeds are meant to exercise specific parser paths (a windows-1251 prolog,
// xml:base, JSON Feed, inline teasers), which an innocent edit could lose.
package examples_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"crosswire"
	"crosswire/config"
)

// The demo's news week: every sample item is dated inside it.
var (
	weekStart = time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	weekEnd   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

func TestDemoConfig(t *testing.T) {
	c, err := config.Load("demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Site.Title != "crosswire demo" || c.Site.Listen != "127.0.0.1:8080" || c.Site.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("site = %+v", c.Site)
	}
	if !c.Polling.AllowPrivate || c.Polling.Interval != 5*time.Minute {
		t.Errorf("polling = %+v, want allow_private and a 5m interval", c.Polling)
	}
	// Offline: nothing in the demo may send the hub to the network.
	if len(c.Polling.Revisits) != 0 {
		t.Errorf("revisits = %v: the demo's article pages do not exist", c.Polling.Revisits)
	}
	if len(c.Sources) != 6 {
		t.Fatalf("%d sources, want 6", len(c.Sources))
	}
	until := 0
	ownerships := map[crosswire.Ownership]bool{}
	for _, s := range c.Sources {
		t.Run(s.Slug, func(t *testing.T) {
			if s.Name == "" || s.Homepage == "" || s.Country == "" || s.Language == "" || s.Disclaimer == "" {
				t.Errorf("incomplete profile: %+v", s.Source)
			}
			if u, err := url.Parse(s.Homepage); err != nil || !strings.HasSuffix(u.Hostname(), ".example") {
				t.Errorf("homepage %q is not a fictional .example domain", s.Homepage)
			}
			if !slices.Contains(c.Site.Perspectives, s.Perspective) {
				t.Errorf("perspective %q is not in site.perspectives %v", s.Perspective, c.Site.Perspectives)
			}
			if !s.RepublishOpen(weekEnd) {
				t.Errorf("not republished during the demo week")
			}
			if s.FullText != crosswire.FullTextNever || s.MirrorMedia {
				t.Errorf("full_text = %q, mirror_media = %v: the demo must not fetch article pages or images", s.FullText, s.MirrorMedia)
			}
			if len(s.Feeds) == 0 {
				t.Fatal("no feeds")
			}
			for _, f := range s.Feeds {
				u, err := url.Parse(f)
				if err != nil || u.Scheme != "file" {
					t.Fatalf("feed %q is not a local file", f)
				}
				fi, err := os.Stat(filepath.FromSlash(u.Path))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Size() == 0 {
					t.Errorf("%s is empty", u.Path)
				}
			}
		})
		ownerships[s.Ownership] = true
		if !s.RepublishUntil.IsZero() {
			until++
			if want := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC); !s.RepublishUntil.Equal(want) {
				t.Errorf("%s: republish_until = %v, want %v", s.Slug, s.RepublishUntil, want)
			}
		}
	}
	if until != 1 {
		t.Errorf("%d sources with republish_until, want exactly one (the temporary window)", until)
	}
	for _, o := range []crosswire.Ownership{crosswire.OwnershipStateOwned, crosswire.OwnershipPublic, crosswire.OwnershipPrivate, crosswire.OwnershipIndependent} {
		if !ownerships[o] {
			t.Errorf("no %s outlet in the demo", o)
		}
	}
}

func TestHubConfig(t *testing.T) {
	c, err := config.Load("hub.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Polling.AllowPrivate {
		t.Error("hub.yaml allows private addresses; a public hub must not")
	}
	if len(c.Sources) < 4 {
		t.Fatalf("%d sources", len(c.Sources))
	}
	for _, s := range c.Sources {
		if !slices.Contains(c.Site.Perspectives, s.Perspective) {
			t.Errorf("%s: perspective %q is not in site.perspectives", s.Slug, s.Perspective)
		}
		if s.Ownership == crosswire.OwnershipOther || s.Country == "" {
			t.Errorf("%s: incomplete profile %+v", s.Slug, s.Source)
		}
		if s.Republish && s.Disclaimer == "" {
			t.Errorf("%s is republished without a disclaimer", s.Slug)
		}
		for _, f := range s.Feeds {
			u, err := url.Parse(f)
			if err != nil || u.Scheme != "https" || strings.HasSuffix(u.Hostname(), ".example") {
				t.Errorf("%s: feed %q is not a real https web feed", s.Slug, f)
			}
		}
	}
}

// item is what the checks below need of one sample article, whatever its format.
type item struct {
	title     string
	published time.Time
	html      string // full content
}

// rssDoc covers RSS 2.0 with content:encoded.
type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Items   []struct {
		Title       string `xml:"title"`
		PubDate     string `xml:"pubDate"`
		Description string `xml:"description"`
		Encoded     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	} `xml:"channel>item"`
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Base    string   `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Entries []struct {
		Title     string `xml:"title"`
		Published string `xml:"published"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

type jsonFeed struct {
	Version string `json:"version"`
	Items   []struct {
		ID            string `json:"id"`
		Title         string `json:"title"`
		ContentHTML   string `json:"content_html"`
		Summary       string `json:"summary"`
		Image         string `json:"image"`
		DatePublished string `json:"date_published"`
		Authors       []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"items"`
}

func decodeXML(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "windows-1251") {
			return charmap.Windows1251.NewDecoder().Reader(r), nil
		}
		return nil, fmt.Errorf("unexpected charset %q", label)
	}
	return d.Decode(v)
}

func readRSS(t *testing.T, data []byte) []item {
	t.Helper()
	var doc rssDoc
	if err := decodeXML(data, &doc); err != nil {
		t.Fatal(err)
	}
	var items []item
	for _, it := range doc.Items {
		pub, err := time.Parse(time.RFC1123Z, it.PubDate)
		if err != nil {
			pub, err = time.Parse(time.RFC1123, it.PubDate)
		}
		if err != nil {
			t.Errorf("%q: pubDate: %v", it.Title, err)
		}
		html := it.Encoded
		if html == "" {
			html = it.Description
		}
		items = append(items, item{it.Title, pub, html})
	}
	return items
}

// sample reads one of the demo's feeds into items, checking what its
// format is there to exercise.
func sample(t *testing.T, name string) ([]byte, []item) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(name) {
	case ".json":
		var f jsonFeed
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Version != "https://jsonfeed.org/version/1.1" {
			t.Errorf("version = %q", f.Version)
		}
		var items []item
		for _, it := range f.Items {
			pub, err := time.Parse(time.RFC3339, it.DatePublished)
			if err != nil {
				t.Errorf("%s: %v", it.ID, err)
			}
			if it.Summary == "" || it.Image == "" || len(it.Authors) == 0 || it.ContentHTML == "" {
				t.Errorf("%s lacks summary, image, authors or content_html", it.ID)
			}
			items = append(items, item{it.Title, pub, it.ContentHTML})
		}
		return data, items
	case ".atom":
		var f atomDoc
		if err := decodeXML(data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Base == "" {
			t.Error("no xml:base on the feed")
		}
		var items []item
		relative := 0
		for _, e := range f.Entries {
			pub, err := time.Parse(time.RFC3339, e.Published)
			if err != nil {
				t.Errorf("%q: %v", e.Title, err)
			}
			if e.Content.Type != "html" || e.Summary.Type != "html" {
				t.Errorf("%q: content/summary types %q/%q, want html", e.Title, e.Content.Type, e.Summary.Type)
			}
			if u, err := url.Parse(e.Link.Href); err == nil && !u.IsAbs() {
				relative++
			}
			items = append(items, item{e.Title, pub, e.Content.Text})
		}
		if relative == 0 {
			t.Error("no relative entry links: xml:base is not exercised")
		}
		return data, items
	}
	return data, readRSS(t, data)
}

func TestSampleFeeds(t *testing.T) {
	feeds := []string{"halyard-wire.xml", "kpb-news.atom", "podil-post.json", "vertikal-ru.xml", "orbita-world.xml", "prostor-en.xml"}
	var all []item
	for _, name := range feeds {
		t.Run(name, func(t *testing.T) {
			_, items := sample(t, name)
			if len(items) < 5 || len(items) > 8 {
				t.Errorf("%d items, want 5 to 8", len(items))
			}
			for _, it := range items {
				if it.published.Before(weekStart) || !it.published.Before(weekEnd) {
					t.Errorf("%q published %v, outside the demo week", it.title, it.published)
				}
				if n := strings.Count(it.html, "<p>"); n < 3 {
					t.Errorf("%q has %d paragraphs, want full text", it.title, n)
				}
			}
			all = append(all, items...)
		})
	}
	for _, el := range []string{"<blockquote>", "<figure>", "<figcaption>", "<ul>"} {
		if !slices.ContainsFunc(all, func(it item) bool { return strings.Contains(it.html, el) }) {
			t.Errorf("no sample article contains %s", el)
		}
	}
}

// The point of the demo: the same event told by every outlet. Each feed
// must report the Dnipro strike, whatever it calls the city.
func TestEveryOutletReportsTheDniproStrike(t *testing.T) {
	dnipro := regexp.MustCompile(`Dnipro|Dnepropetrovsk|Днепр`)
	for _, name := range []string{"halyard-wire.xml", "kpb-news.atom", "podil-post.json", "vertikal-ru.xml", "orbita-world.xml", "prostor-en.xml"} {
		_, items := sample(t, name)
		found := slices.ContainsFunc(items, func(it item) bool {
			day := it.published.UTC().Day()
			return (day == 19 || day == 20) && dnipro.MatchString(it.title+" "+it.html)
		})
		if !found {
			t.Errorf("%s has no item about the Dnipro strike on 19-20 November", name)
		}
	}
}

func TestWindows1251Feed(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("feeds", "vertikal-ru.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="windows-1251"?>`)) {
		t.Errorf("prolog = %q", data[:min(len(data), 60)])
	}
	if utf8.Valid(data) {
		t.Fatal("the windows-1251 sample is valid UTF-8: it was saved in the wrong encoding")
	}
	text, err := charmap.Windows1251.NewDecoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	cyrillic := 0
	for _, r := range string(text) {
		if unicode.Is(unicode.Cyrillic, r) {
			cyrillic++
		}
	}
	if cyrillic < 1000 {
		t.Errorf("%d Cyrillic letters after decoding as windows-1251, want a Russian feed", cyrillic)
	}
	for _, s := range []string{"«", "»", "—", "Днепропетровск"} {
		if !strings.Contains(string(text), s) {
			t.Errorf("decoded feed lacks %q", s)
		}
	}
}

func TestRTStyleFeedHasInlineTeasers(t *testing.T) {
	data, items := sample(t, "orbita-world.xml")
	label := regexp.MustCompile(`<p><strong>Read more</strong></p>\s*<p><a href="[^"]+">[^<]+</a></p>`)
	inline := regexp.MustCompile(`<p>READ MORE: <a href="[^"]+">[^<]+</a></p>`)
	pixel := regexp.MustCompile(`<img [^>]*width="1" height="1"`)
	for _, it := range items {
		teaser := label.FindStringIndex(it.html)
		if in := inline.FindStringIndex(it.html); teaser == nil || in != nil && in[0] < teaser[0] {
			teaser = in
		}
		if teaser == nil {
			t.Errorf("%q has no inline Read more teaser", it.title)
			continue
		}
		// Teasers sit between real paragraphs, not after the article.
		before, after := it.html[:teaser[0]], it.html[teaser[1]:]
		if !strings.Contains(before, "<p>") || !strings.Contains(strings.Split(after, `<div class="share-bar"`)[0], "<p>") {
			t.Errorf("%q: the first teaser is not between paragraphs of the article", it.title)
		}
		if !strings.Contains(it.html, `class="share-bar"`) || !pixel.MatchString(it.html) || !strings.Contains(it.html, "utm_source=") {
			t.Errorf("%q lacks the share bar, the 1x1 pixel or utm_ parameters", it.title)
		}
	}
	if n, m := len(label.FindAll(data, -1)), len(inline.FindAll(data, -1)); n < 3 || m < 3 {
		t.Errorf("%d labelled and %d inline teasers in the feed, want several of each", n, m)
	}
}
