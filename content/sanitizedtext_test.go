package content

import (
	"os"
	"path/filepath"
	"testing"

	"crosswire"
	"crosswire/feed"
)

// oddFragments are inputs whose sanitized form a parser would not read
// back as written (so the text must come from a parse), next to ordinary
// ones.
var oddFragments = []string{
	`<p>one<object><div>two</div></object>three</p>`,
	`<p>one<iframe><div>fallback</div><p>more</p></iframe>two</p>`,
	`<a href="/1">one<object><a href="/2">two</a></object></a>`,
	`<ul><li>one<section><li>two</li></section></li></ul>`,
	`<dl><dt>one<section><dd>two</dd></section></dt></dl>`,
	`<h2>one<object><h3>two</h3></object></h2>`,
	`<p>one<applet><table><tr><td>cell</td></tr></table></applet></p>`,
	`<ruby>漢<p>x<rt>kan</rt></p></ruby>`,
	`<table><caption>c</caption><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2<table><tr><td>in</td></tr></table></td></tr></table>`,
	"<pre>\n\nx\r\ny\rz</pre><pre><b>\n</b>\nq</pre><pre>\n</pre>",
	`<ol start=" 7 "><li>seven</li><li>eight<ul><li>sub</li></ul></li></ol><menu><li>m</li></menu>`,
	`<p>a &amp; b &lt;c&gt; "d" &nbsp; e&#8203;f</p><p>` + "\u00a0x\u00a0\u00a0y\u202fz" + `</p>`,
	`<video src="/v.mp4"><source src="/v.webm" type="video/webm">fallback</video><audio src="/a.mp3"></audio>text`,
	`<iframe src="https://www.youtube.com/embed/abc"></iframe> after`,
	`<p>x<img src="/a.jpg" alt="alt"><wbr>y<br>z<hr>w</p>`,
	"<p>bad \xff\xfe bytes and \x00 nul \x01 ctl</p>",
	`<font>unknown</font><custom-el>custom</custom-el><xmp><b>raw</b></xmp>`,
	`<p>Read more: <a href="/x">Another story</a></p><p>Advertisement</p><p>Body text.</p>`,
	`<blockquote cite="/q"><p>Quote.</p></blockquote><figure><img src="/i.jpg"><figcaption>Caption.</figcaption></figure>`,
}

func cleanInputs(t testing.TB) []string {
	t.Helper()
	var ins []string
	for _, g := range []string{"testdata/fragments/*.html", "testdata/pages/*.html", "testdata/feedfarm/*.html"} {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ins = append(ins, string(data))
		}
	}
	return append(ins, oddFragments...)
}

func TestCleanWithTextIsPlainTextOfClean(t *testing.T) {
	base := mustURL(t, "https://outlet.example/news/1")
	for _, rules := range []crosswire.Rules{{}, {Remove: []string{"figure"}, StripAttrs: []string{"class"}}} {
		c, err := NewCleaner(rules)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range cleanInputs(t) {
			h, text := c.CleanWithText(in, base)
			if want := c.Clean(in, base); h != want {
				t.Errorf("CleanWithText(%.80q) html\n got %q\nwant %q", in, h, want)
			}
			if want := PlainText(h); text != want {
				t.Errorf("CleanWithText(%.80q) text\n got %q\nwant %q", in, text, want)
			}
		}
	}
}

// TestCleanWithTextSkipsTheParse: on what feeds carry, the text comes from
// the scan, not from a second parse.
func TestCleanWithTextSkipsTheParse(t *testing.T) {
	entries := farmFeedEntries(t)
	c, _ := NewCleaner(crosswire.Rules{})
	base := mustURL(t, "http://127.0.0.1:8801/feeds/1.xml")
	for _, e := range entries {
		for _, in := range []string{e.Summary, e.Content} {
			h := c.Clean(in, base)
			got, ok := sanitizedText(h)
			if !ok {
				t.Errorf("scan declined the cleaned item %q", h)
				continue
			}
			if want := PlainText(h); got != want {
				t.Errorf("scan of %q\n got %q\nwant %q", h, got, want)
			}
		}
	}
}

func TestSanitizedText(t *testing.T) {
	tests := []struct {
		name, h string
		ok      bool
	}{
		{"paragraphs", "<p>a</p>\n<p>b <em>c</em></p>", true},
		{"lists", "<ol start=\"3\"><li>a</li>\n<li>b<ul><li>c</li>\n</ul>\n</li>\n</ol>", true},
		{"table", "<table><tbody><tr><td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>", true},
		{"pre newline", "<pre>\n\nx\ny</pre>", true},
		{"escapes", "<p>a &amp; &lt;b&gt; \"c\"</p>", true},
		{"block in p", "<p>a<div>b</div>c</p>", false},
		{"table in p", "<p>a<table><tbody><tr><td>b</td></tr></tbody></table></p>", false},
		{"link in link", `<a href="x">a<a href="y">b</a></a>`, false},
		{"item in item", "<li>a<div><li>b</li>\n</div>\n</li>", false},
		{"heading in heading", "<h2>a<h3>b</h3>\n</h2>", false},
		{"row without body", "<table><tr><td>x</td></tr></table>", false},
		{"text in table", "<table>x</table>", false},
		{"cell outside row", "<td>x</td>", false},
		{"entity it does not write", "<p>a&nbsp;b</p>", false},
		{"tag it does not write", "<font>a</font>", false},
		{"unclosed", "<p>a", false},
		{"misnested", "<p><b>a</p></b>", false},
		{"self-closed container", "<p/>a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sanitizedText(tt.h)
			if ok != tt.ok {
				t.Fatalf("sanitizedText(%q) ok = %v, want %v", tt.h, ok, tt.ok)
			}
			if want := PlainText(tt.h); ok && got != want {
				t.Errorf("sanitizedText(%q)\n got %q\nwant %q", tt.h, got, want)
			}
			if got, want := plainTextOfSanitized(tt.h), PlainText(tt.h); got != want {
				t.Errorf("plainTextOfSanitized(%q)\n got %q\nwant %q", tt.h, got, want)
			}
		})
	}
}

func FuzzCleanWithText(f *testing.F) {
	for _, s := range oddFragments {
		f.Add(s)
	}
	base := mustURL(f, "https://outlet.example/a/b.html")
	c, _ := NewCleaner(crosswire.Rules{})
	f.Fuzz(func(t *testing.T, in string) {
		h, text := c.CleanWithText(in, base)
		if want := PlainText(h); text != want {
			t.Fatalf("CleanWithText(%q): html %q\n got %q\nwant %q", in, h, text, want)
		}
		// The scan on its own, wherever it answers, for plain Sanitize too.
		s := Sanitize(in, base)
		if got, ok := sanitizedText(s); ok && got != PlainText(s) {
			t.Fatalf("sanitizedText(%q) from %q\n got %q\nwant %q", s, in, got, PlainText(s))
		}
	})
}

// farmFeedEntries are the items of the feed parser's feedfarm fixtures
// (../feed/testdata/farm_*: RSS with content:encoded, RSS with escaped
// HTML in description only, Atom, JSON Feed): what ingest cleans.
func farmFeedEntries(t testing.TB) []feed.Entry {
	t.Helper()
	files, _ := filepath.Glob("../feed/testdata/farm_*")
	if len(files) == 0 {
		t.Fatal("no feedfarm feeds in ../feed/testdata")
	}
	var out []feed.Entry
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := feed.Parse(data, feed.Options{BaseURL: "http://127.0.0.1:8801/feeds/1.xml"})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, doc.Entries...)
	}
	return out
}
