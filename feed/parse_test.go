package feed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t *testing.T, name string, opt Options) *Feed {
	t.Helper()
	f, err := Parse(readFixture(t, name), opt)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// field compares one value and names it in the failure.
func field[T any](t *testing.T, name string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", name, got, want)
	}
}

func contains(t *testing.T, name, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s = %q, want it to contain %q", name, got, p)
		}
	}
}

func entryCount(t *testing.T, f *Feed, n int) {
	t.Helper()
	if len(f.Entries) != n {
		t.Fatalf("got %d entries, want %d", len(f.Entries), n)
	}
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file  string
		opt   Options
		check func(t *testing.T, f *Feed)
	}{
		{"rss2_news.xml", Options{BaseURL: "https://ledger.example/world/rss.xml"}, func(t *testing.T, f *Feed) {
			field(t, "format", f.Format, "rss")
			field(t, "title", f.Title, "The Daily Ledger — World")
			field(t, "link", f.Link, "https://ledger.example/world/")
			field(t, "feed link", f.FeedLink, "https://ledger.example/world/rss.xml")
			field(t, "description", f.Description, "World news & analysis from The Daily Ledger")
			field(t, "language", f.Language, "en-gb")
			field(t, "updated", f.Updated, date("2025-06-03T08:30:00Z"))
			field(t, "authors", f.Authors, []string{"World Desk"})
			field(t, "ttl", f.TTL, 15*time.Minute)
			entryCount(t, f, 3)

			e := f.Entries[0]
			field(t, "id", e.ID, "ledger-48213")
			field(t, "title", e.Title, "Ministers agree grain deal after all-night talks")
			field(t, "link", e.Link, "https://ledger.example/world/2025/06/03/grain-deal")
			field(t, "published", e.Published, date("2025-06-03T07:15:00Z"))
			field(t, "authors", e.Authors, []string{"Anna Kowalska", "Tom Reed"})
			field(t, "categories", e.Categories, []string{"Europe", "Trade"})
			field(t, "summary", e.Summary, `<p>Negotiators in <a href="/world/europe">Brussels</a> reached a deal shortly before dawn.</p>`)
			contains(t, "content", e.Content, `<img src="/img/2025/grain.jpg"`, "<figcaption>Silos near Odesa</figcaption>", "until 2026")
			field(t, "base", e.Base, "https://ledger.example/world/rss.xml")
			field(t, "image", e.Image, "https://cdn.ledger.example/thumbs/48213.jpg")
			field(t, "enclosures", e.Enclosures, []Enclosure{{URL: "https://cdn.ledger.example/audio/48213.mp3", Type: "audio/mpeg", Length: 2840112}})

			e = f.Entries[1]
			field(t, "id", e.ID, "https://ledger.example/world/2025/06/03/qa")
			field(t, "title", e.Title, "Q&A: what the deal means for “bread prices”")
			field(t, "authors", e.Authors, []string{"World Desk"})
			field(t, "summary", e.Summary, "<p>Our correspondent answers readers&#8217; questions.</p>")
			field(t, "content", e.Content, "")

			// No guid and no link: the fallback id is a digest of the text,
			// the same on every parse.
			e = f.Entries[2]
			if !strings.HasPrefix(e.ID, "urn:crosswire:sha256:") || len(e.ID) != len("urn:crosswire:sha256:")+32 {
				t.Errorf("fallback id = %q", e.ID)
			}
			again, _ := Parse(readFixture(t, "rss2_news.xml"), Options{})
			field(t, "fallback id is stable", again.Entries[2].ID, e.ID)
		}},
		{"atom_blog.xml", Options{}, func(t *testing.T, f *Feed) {
			field(t, "format", f.Format, "atom")
			field(t, "title", f.Title, "Notizen & Skizzen")
			field(t, "description", f.Description, "Ein kleines Blog")
			field(t, "link", f.Link, "https://blog.example/")
			field(t, "feed link", f.FeedLink, "https://blog.example/feed.atom")
			field(t, "language", f.Language, "de")
			field(t, "updated", f.Updated, date("2025-05-30T16:00:00Z"))
			field(t, "authors", f.Authors, []string{"Jana Berger"})
			entryCount(t, f, 2)

			e := f.Entries[0]
			field(t, "id", e.ID, "tag:blog.example,2025:fahrrad")
			field(t, "title", e.Title, "Über Fahrräder")
			field(t, "link (the text/html alternate)", e.Link, "https://blog.example/posts/fahrrad")
			field(t, "published", e.Published, date("2025-05-29T06:00:00Z"))
			field(t, "updated", e.Updated, date("2025-05-30T07:15:00Z"))
			field(t, "categories (terms)", e.Categories, []string{"verkehr"})
			field(t, "summary", e.Summary, "<p>Warum das <em>Rad</em> gewinnt.</p>")
			field(t, "content", e.Content, `<p>Siehe <a href="karte.html">die Karte</a> &amp; die Zahlen: 3 &lt; 5.</p>`)
			field(t, "base (content xml:base)", e.Base, "https://blog.example/posts/")
			field(t, "enclosures", e.Enclosures, []Enclosure{{URL: "https://blog.example/media/rad.jpg", Type: "image/jpeg", Length: 48211}})
			field(t, "language", e.Language, "de")

			e = f.Entries[1]
			field(t, "title keeps literal brackets of a text title", e.Title, "Plain <text> title")
			field(t, "text content is escaped", e.Content, "Literal &lt;b&gt; stays text.")
			field(t, "link without rel", e.Link, "https://blog.example/posts/plain")
			field(t, "language", e.Language, "en")
			if !e.Published.IsZero() {
				t.Errorf("published = %v, want zero (only <updated> given)", e.Published)
			}
		}},
		{"rdf_site.xml", Options{}, func(t *testing.T, f *Feed) {
			field(t, "format", f.Format, "rdf")
			field(t, "title", f.Title, "Café Society")
			field(t, "language", f.Language, "fr")
			field(t, "updated", f.Updated, date("2025-04-01T10:00:00Z"))
			entryCount(t, f, 1)
			e := f.Entries[0]
			field(t, "id (rdf:about)", e.ID, "http://site.example/2025/04/espresso")
			field(t, "title", e.Title, "Espresso, démystifié")
			field(t, "authors", e.Authors, []string{"Lucie Martin"})
			field(t, "categories", e.Categories, []string{"Café"})
			field(t, "dc:date as published", e.Published, date("2025-04-01T07:30:00Z"))
		}},
		{"jsonfeed.json", Options{BaseURL: "https://radio.example/feed.json"}, func(t *testing.T, f *Feed) {
			field(t, "format", f.Format, "json")
			field(t, "title", f.Title, "Harbour Radio")
			field(t, "link", f.Link, "https://radio.example/")
			field(t, "feed link", f.FeedLink, "https://radio.example/feed.json")
			field(t, "authors", f.Authors, []string{"Harbour Radio"})
			entryCount(t, f, 2)
			e := f.Entries[0]
			field(t, "numeric id", e.ID, "1042")
			field(t, "relative url resolved", e.Link, "https://radio.example/shows/1042")
			field(t, "content_text escaped", e.Content, "Notes: &lt;tides&gt; &amp; currents.")
			field(t, "summary", e.Summary, "Tides explained")
			field(t, "published", e.Published, date("2025-03-10T11:00:00Z"))
			field(t, "categories", e.Categories, []string{"science", "sea"})
			field(t, "enclosures", e.Enclosures, []Enclosure{{URL: "https://cdn.radio.example/1042.mp3", Type: "audio/mpeg", Length: 31415926}})
			e = f.Entries[1]
			field(t, "string id", e.ID, "https://radio.example/shows/1041")
			field(t, "content_html", e.Content, "<p>Bonus <em>episode</em></p>")
			field(t, "authors", e.Authors, []string{"Ola Nordmann"})
		}},
		{"atom_media.xml", Options{}, func(t *testing.T, f *Feed) {
			entryCount(t, f, 1)
			e := f.Entries[0]
			field(t, "image (media:thumbnail in media:group)", e.Image, "https://img.video.example/vi/Xy12/hqdefault.jpg")
			field(t, "summary from media:description, escaped", e.Summary, "Time-lapse of a footbridge.\nFilmed over six weeks.")
			field(t, "link", e.Link, "https://video.example/watch?v=Xy12")
			field(t, "authors", e.Authors, []string{"Channel Example"})
		}},
		{"malformed_recover.xml", Options{}, func(t *testing.T, f *Feed) {
			field(t, "title with bare & and HTML entities", f.Title, "Fish & Chips \u00a0— Daily")
			field(t, "link with bare &", f.Link, "http://chips.example/?a=1&b=2")
			entryCount(t, f, 2)
			e := f.Entries[0]
			field(t, "title", e.Title, "Salt & vinegar … or not?")
			field(t, "link", e.Link, "http://chips.example/post?id=7&ref=rss")
			field(t, "undeclared media: prefix", e.Image, "http://chips.example/7.jpg")
			field(t, "authors", e.Authors, []string{"Sam O'Neil"})
			contains(t, "summary", e.Summary, "<p>An unclosed paragraph <b>bold")
			e = f.Entries[1]
			field(t, "unknown entity kept as text", e.Title, "Second &undefinedentity; item")
			field(t, "id", e.ID, "chips-8")
		}},
		{"rss_cp1251_as_utf8.xml", Options{ContentType: "application/rss+xml; charset=utf-8"}, func(t *testing.T, f *Feed) {
			field(t, "title", f.Title, "Вести — Регион")
			entryCount(t, f, 1)
			e := f.Entries[0]
			field(t, "title", e.Title, "Мэрия объявила о ремонте моста «Северный»")
			field(t, "summary", e.Summary, "Работы продлятся до конца лета.")
			field(t, "localized weekday", e.Published, date("2025-06-02T07:00:00Z"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tt.check(t, mustParse(t, tt.file, tt.opt))
		})
	}
}

func TestParseRejectsNonFeeds(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"whitespace", []byte(" \n\t ")},
		{"html page", readFixture(t, "not_a_feed.html")},
		{"xhtml page", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><feed/></body></html>`)},
		{"plain text", []byte("Service temporarily unavailable")},
		{"other xml", []byte(`<note><to>Tove</to></note>`)},
		{"json without version", []byte(`{"items": [], "data": 1}`)},
		{"json array", []byte(`[1, 2]`)},
		{"broken json", []byte(`{"verion": "1.0"`)},
		{"comment only", []byte("<!-- nothing -->\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.data, Options{})
			if !errors.Is(err, ErrNotFeed) {
				t.Fatalf("Parse = %+v, %v; want ErrNotFeed", f, err)
			}
		})
	}
}

func TestParseEntityBomb(t *testing.T) {
	data := readFixture(t, "billion_laughs.xml")
	f, err := Parse(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	entryCount(t, f, 2)
	// Expansion stops at the budget: nothing near 10^9 "lol"s survives.
	total := len(f.Title)
	for _, e := range f.Entries {
		total += len(e.Title) + len(e.Summary) + len(e.Content)
	}
	if total > 8*minEntityBudget {
		t.Errorf("entity expansion produced %d bytes", total)
	}
	field(t, "entry after the bomb", f.Entries[1].Title, "after the bomb")
}

func TestParseDeclaredEntity(t *testing.T) {
	doc := `<!DOCTYPE rss [ <!ENTITY site "https://example.org"> <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>
<rss><channel><item><link>&site;/a</link><title>x &ext; y</title></item></channel></rss>`
	f, err := Parse([]byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	entryCount(t, f, 1)
	field(t, "link", f.Entries[0].Link, "https://example.org/a")
	field(t, "external entity is never loaded", f.Entries[0].Title, "x &ext; y")
}

// A truncated document yields exactly its complete items, whatever the
// cut point, and never panics.
func TestParseTruncated(t *testing.T) {
	tests := []struct {
		name   string
		stride int // every cut point of the small fixtures; a sample of the big ones
	}{
		{"rss2_news.xml", 1}, {"atom_blog.xml", 1}, {"jsonfeed.json", 1},
		{"farm_rss.xml", 397}, {"farm_atom.xml", 397}, {"farm_json.json", 397},
	}
	for _, tt := range tests {
		name := tt.name
		data := readFixture(t, name)
		full, err := Parse(data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		most := 0
		for cut := 0; cut < len(data); cut += tt.stride {
			f, err := Parse(data[:cut], Options{})
			if err != nil {
				continue
			}
			most = max(most, len(f.Entries))
			if len(f.Entries) > len(full.Entries) {
				t.Fatalf("%s cut at %d: %d entries, more than the full %d", name, cut, len(f.Entries), len(full.Entries))
			}
			for i, e := range f.Entries {
				if !reflect.DeepEqual(e, full.Entries[i]) {
					t.Fatalf("%s cut at %d: entry %d = %+v\nwant %+v", name, cut, i, e, full.Entries[i])
				}
			}
		}
		// The complete entries do come back: a cut late in the document
		// keeps all of them but perhaps the last.
		if most < len(full.Entries)-1 {
			t.Errorf("%s: at most %d of %d entries recovered from any cut", name, most, len(full.Entries))
		}
	}
}

func TestParseXMLBase(t *testing.T) {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">
<entry xml:base="2025/">
  <link href="post.html"/>
  <summary type="html" xml:base="https://cdn.example/s/">x</summary>
  <content type="html">y</content>
</entry>
<entry><link href="other.html"/><summary>only a summary</summary></entry>
</feed>`
	f, err := Parse([]byte(doc), Options{BaseURL: "https://example.org/feeds/atom.xml"})
	if err != nil {
		t.Fatal(err)
	}
	entryCount(t, f, 2)
	field(t, "link", f.Entries[0].Link, "https://example.org/blog/2025/post.html")
	field(t, "base is the content's", f.Entries[0].Base, "https://example.org/blog/2025/")
	field(t, "base of a summary-only entry", f.Entries[1].Base, "https://example.org/blog/")
	field(t, "link", f.Entries[1].Link, "https://example.org/blog/other.html")
}

func TestParseStructureRecovery(t *testing.T) {
	tests := []struct {
		name, doc string
		titles    []string
	}{
		{"missing </item>", `<rss><channel><item><title>a</title><item><title>b</title></item></channel></rss>`, []string{"a", "b"}},
		{"stray end tags", `<rss><channel></foo><item><title>a</title></bar></item></channel></rss>`, []string{"a"}},
		{"items beside the channel", `<rss version="0.91"><channel><title>t</title></channel><item><title>a</title></item></rss>`, []string{"a"}},
		{"junk before the root", "Warning: something<br />\n<rss><channel><item><title>a</title></item></channel></rss>", []string{"a"}},
		{"nested title is not the title", `<rss><channel><item><image><title>no</title></image><title>yes</title></item></channel></rss>`, []string{"yes"}},
		{"unclosed markup inside a field", `<rss><channel><item><description><p>x</description><title>a</title></item></channel></rss>`, []string{"a"}},
		{"uppercase root", `<RSS><channel><item><title>a</title></item></channel></RSS>`, []string{"a"}},
		{"case-insensitive RSS names", `<rss><channel><item><Title>a</Title><PUBDATE>x</PUBDATE></item></channel></rss>`, []string{"a"}},
		{"unquoted attribute", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href=http://x.example/a /><title>a</title></entry></feed>`, []string{"a"}},
		{"cdata with markup-like text", `<rss><channel><item><title><![CDATA[a </item> b]]></title></item></channel></rss>`, []string{"a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range f.Entries {
				got = append(got, e.Title)
			}
			field(t, "titles", got, tt.titles)
		})
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		channel string
		want    time.Duration
	}{
		{"<ttl>60</ttl>", time.Hour},
		{"<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>", 12 * time.Hour},
		{"<sy:updatePeriod>hourly</sy:updatePeriod>", time.Hour},
		{"<ttl>30</ttl><sy:updatePeriod>daily</sy:updatePeriod>", 30 * time.Minute},
		{"<ttl>soon</ttl>", 0},
		{"", 0},
	}
	for _, tt := range tests {
		f, err := Parse([]byte(`<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>`+tt.channel+`</channel></rss>`), Options{})
		if err != nil {
			t.Fatal(err)
		}
		field(t, tt.channel, f.TTL, tt.want)
	}
}

func TestPersonName(t *testing.T) {
	tests := map[string]string{
		"Jane Doe":                      "Jane Doe",
		"jane@example.org (Jane Doe)":   "Jane Doe",
		"Jane Doe (jane@example.org)":   "Jane Doe",
		`"Jane Doe" <jane@example.org>`: "Jane Doe",
		"jane@example.org":              "",
		"mailto:jane@example.org":       "",
		"  Jane\n   Doe ":               "Jane Doe",
		"Acme (Europe)":                 "Acme (Europe)",
	}
	for in, want := range tests {
		field(t, in, personName(in), want)
	}
}

func TestHTMLToText(t *testing.T) {
	tests := map[string]string{
		"Example <b>Atom</b>": "Example Atom",
		"a<br>b":              "a b",
		"1 < 2 &amp; 3 > 2":   "1 < 2 & 3 > 2",
		"safe<script>alert('<p>')</script> description": "safe description",
		"sa<!-- -- x >fe":                           "safe",
		"safe<!--":                                  "safe",
		`<img src="x.jpg" alt="a>b">`:               "",
		"Fish &amp; Chips &lt;3":                    "Fish & Chips <3",
		"<p>one</p><p>two</p>":                      "one two",
		"caf&eacute; &#8212; &#x41;":                "café — A",
		"<style>p{color:red}</style>Visible":        "Visible",
		"<a href=http://example.com/\">example</a>": "example",
		"  lots \n\n of\t space  ":                  "lots of space",
	}
	for in, want := range tests {
		field(t, in, htmlToText(in), want)
	}
}
