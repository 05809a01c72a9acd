package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs never glued", `<p>The ministry denied the allegations.</p><p>Ukraine's army said otherwise.</p>`,
			"The ministry denied the allegations.\n\nUkraine's army said otherwise."},
		{"divs never glued", `<div>allegations.</div><div>Ukraine's</div>`, "allegations.\n\nUkraine's"},
		{"br is a line", `a<br>b<br/>c`, "a\nb\nc"},
		{"entities", `<p>&eacute;t&eacute; &amp; &lt;tags&gt; &quot;q&quot; &#8212; caf&#xE9;</p>`, `été & <tags> "q" — café`},
		{"nbsp and runs", "<p>a&nbsp;&nbsp; b \n\t c\u2009d</p>", "a b c d"},
		{"lists", `<p>Intro:</p><ul><li>one</li><li>two</li></ul><ol start="4"><li>four</li><li>five</li></ol><p>End.</p>`,
			"Intro:\n\n- one\n- two\n\n4. four\n5. five\n\nEnd."},
		{"nested list", `<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>`, "- a\n  - b\n- c"},
		{"headings quotes captions", `<h2>Title</h2><blockquote><p>Quote.</p></blockquote><figure><img src=x><figcaption>Caption.</figcaption></figure>`,
			"Title\n\nQuote.\n\nCaption."},
		{"table", `<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>`, "A | B\n1 | 2"},
		{"scripts and styles dropped", `<p>a<script>var x = 1;</script>b</p><style>p{}</style><noscript>enable js</noscript>`, "ab"},
		{"inline words keep their spacing", `<p><b>Bold</b> and <i>italic</i>, <a href="#">link</a>.</p>`, "Bold and italic, link."},
		{"pre kept", "<pre>a\n  b</pre><p>c</p>", "a\n  b\n\nc"},
		{"zero width removed", "<p>a\u200bb</p>", "ab"},
		{"empty", "  ", ""},
		{"plain text input", "just words", "just words"},
		{"dl", `<dl><dt>Term</dt><dd>Def</dd></dl>`, "Term\nDef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "short text", 20, "short text"},
		{"exact", "0123456789", 10, "0123456789"},
		{"word boundary", "The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"},
		{"cut at space", "The quick brown fox jumps", 16, "The quick brown…"},
		{"trailing punctuation trimmed", "One, two, three, four", 10, "One, two…"},
		{"no spaces", strings.Repeat("字", 30), 10, strings.Repeat("字", 9) + "…"},
		{"cyrillic runes", "Москва заявила о новых санкциях против", 20, "Москва заявила о…"},
		{"zero", "abc", 0, ""},
		{"one", "abc", 1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("Excerpt(%q, %d) has %d runes", tt.in, tt.max, n)
			}
		})
	}
}
