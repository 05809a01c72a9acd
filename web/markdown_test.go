package web

import "testing"

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraphs", "One line\nsame paragraph.\n\n\nSecond.", "<p>One line\nsame paragraph.</p>\n<p>Second.</p>"},
		{"crlf", "a\r\n\r\nb", "<p>a</p>\n<p>b</p>"},
		{"emphasis", "*em* and _em_ and **strong** and __strong__", "<p><em>em</em> and <em>em</em> and <strong>strong</strong> and <strong>strong</strong></p>"},
		{"nested", "**bold with *em* inside**", "<p><strong>bold with <em>em</em> inside</strong></p>"},
		{"snake_case stays", "use snake_case_names here", "<p>use snake_case_names here</p>"},
		{"lone star", "2 * 3 = 6", "<p>2 * 3 = 6</p>"},
		{"unclosed", "*not closed", "<p>*not closed</p>"},
		{"link", "See [the site](https://example.org/a?b=1&c=2).", `<p>See <a href="https://example.org/a?b=1&amp;c=2">the site</a>.</p>`},
		{"link with title", `[x](http://example.org "Title")`, `<p><a href="http://example.org">x</a></p>`},
		{"emphasis in link", "[*RT*](https://rt.com)", `<p><a href="https://rt.com"><em>RT</em></a></p>`},
		{"javascript link dropped", "[click](javascript:alert(1))", "<p>click</p>"},
		{"relative link dropped", "[home](/about)", "<p>home</p>"},
		{"data link dropped", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>"},
		{"html escaped", `<script>alert("x")</script> & <b>`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;</p>"},
		{"attribute breakout in link", `[x](https://e.org/"onmouseover=alert(1))`, `<p><a href="https://e.org/%22onmouseover=alert%281%29">x</a></p>`},
		{"escapes", `\*literal\* and \[not a link\](https://x.org)`, `<p>*literal* and [not a link](https://x.org)</p>`},
		{"cyrillic", "Издание *финансируется* государством.", "<p>Издание <em>финансируется</em> государством.</p>"},
		{"unbalanced bracket", "[no close (https://x.org)", "<p>[no close (https://x.org)</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(renderMarkdown(tt.in)); got != tt.want {
				t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderMarkdownDeepNestingIsBounded(t *testing.T) {
	in := ""
	for range 200 {
		in += "[*"
	}
	out := string(renderMarkdown(in))
	if len(out) == 0 {
		t.Fatal("no output")
	}
}
