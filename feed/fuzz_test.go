package feed

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks what must hold for any input: no panic, either a feed or
// an error, valid UTF-8 in every field, plain-text fields on one line, and
// output bounded by the input (no entity explosion). Run it with
// go test ./feed -run XXX -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss2_news.xml", "atom_blog.xml", "rdf_site.xml", "jsonfeed.json", "atom_media.xml", "malformed_recover.xml", "billion_laughs.xml", "rss_cp1251_as_utf8.xml"} {
		f.Add(readFixture(f, name), "")
	}
	f.Add([]byte(`<rss><channel><item><title>a &amp; b</title><description><![CDATA[<p>x</p>]]></description></item></channel></rss>`), "text/xml; charset=koi8-r")
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">a<b>b</b></div></content></entry></feed>`), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<p>x</p>"}]}`), "")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		doc, err := Parse(data, Options{BaseURL: "https://example.org/feed", ContentType: contentType})
		if err != nil {
			if doc != nil {
				t.Fatal("feed and error both returned")
			}
			if !errors.Is(err, ErrNotFeed) && !strings.Contains(err.Error(), "charset") {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if doc.Format == "" {
			t.Fatal("feed without a format")
		}
		size := 0
		check := func(what, s string, oneLine bool) {
			size += len(s)
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", what, s)
			}
			if oneLine && strings.ContainsAny(s, "\n\r\t") {
				t.Fatalf("%s is not collapsed: %q", what, s)
			}
		}
		check("feed title", doc.Title, true)
		check("feed description", doc.Description, true)
		for _, e := range doc.Entries {
			check("title", e.Title, true)
			check("id", e.ID, false)
			check("link", e.Link, false)
			check("summary", e.Summary, false)
			check("content", e.Content, false)
			for _, a := range e.Authors {
				check("author", a, true)
			}
			if e.ID == "" {
				t.Fatal("entry without an id")
			}
		}
		if limit := 16*len(data) + 16*minEntityBudget; size > limit {
			t.Fatalf("output of %d bytes from %d bytes of input", size, len(data))
		}
	})
}
