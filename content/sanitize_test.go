package content

import (
	"encoding/xml"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"crosswire"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// hostileMarkers must never appear (case-insensitively) in sanitized output.
var hostileRe = regexp.MustCompile(`(?i)<\s*/?\s*(script|style|iframe|object|embed|applet|frame|frameset|form|input|meta|link|base|svg|math|textarea|button)\b|<!--`)

// allowedAttrs is every attribute Sanitize may emit.
var allowedAttrs = map[string]bool{
	"href": true, "rel": true, "title": true, "src": true, "alt": true, "width": true, "height": true,
	"cite": true, "datetime": true, "colspan": true, "rowspan": true, "start": true, "reversed": true,
	"controls": true, "poster": true, "type": true, "lang": true, "dir": true,
}

// checkSafe parses out the way a browser would and fails on any element,
// attribute or URL outside what Sanitize may emit.
func checkSafe(t testing.TB, in, out string) {
	t.Helper()
	if m := hostileRe.FindString(out); m != "" {
		t.Fatalf("Sanitize(%q) = %q: contains %q", in, out, m)
	}
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			t.Fatalf("Sanitize(%q) = %q: comment survived", in, out)
		case html.ElementNode:
			if n.Namespace != "" {
				t.Fatalf("Sanitize(%q) = %q: foreign element %s", in, out, n.Data)
			}
			if r, ok := rules[n.DataAtom]; (!ok || r.kind == kDrop || r.kind == kUnwrap) && n.DataAtom != atom.A && n.DataAtom != atom.Img && n.DataAtom != atom.Video && n.DataAtom != atom.Audio && n.DataAtom != atom.Source {
				t.Fatalf("Sanitize(%q) = %q: element <%s> not allowed", in, out, n.Data)
			}
			for _, a := range n.Attr {
				if !allowedAttrs[a.Key] {
					t.Fatalf("Sanitize(%q) = %q: attribute %s not allowed", in, out, a.Key)
				}
				switch a.Key {
				case "href", "src", "cite", "poster":
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") ||
						strings.HasPrefix(v, "mailto:") && a.Key == "href" ||
						strings.HasPrefix(v, "data:image/") && a.Key == "src" && n.DataAtom == atom.Img ||
						strings.HasPrefix(v, "/")) {
						t.Fatalf("Sanitize(%q) = %q: bad URL %s=%q", in, out, a.Key, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestSanitizeHostile(t *testing.T) {
	base := mustURL(t, "https://outlet.example/news/2024/story.html")
	tests := []struct {
		name string
		in   string
		keep []string // substrings that must survive
	}{
		{"script", `safe<script>alert(1)</script> text`, []string{"safe text"}},
		{"script uppercase", `<SCRIPT SRC=//x.example/x.js></SCRIPT><p>ok</p>`, []string{"<p>ok</p>"}},
		{"script in comment", `<!-- <script>alert(1)</script> --><p>ok</p>`, []string{"<p>ok</p>"}},
		{"conditional comment", `<!--[if IE]><script>alert(1)</script><![endif]--><p>ok</p>`, []string{"<p>ok</p>"}},
		{"img onerror", `<img src="/a.jpg" onerror="alert(1)">`, []string{`<img src="https://outlet.example/a.jpg"/>`}},
		{"body onload", `<body onload="alert(1)"><p>x</p></body>`, []string{"<p>x</p>"}},
		{"javascript href", `<a href="javascript:alert(1)">click</a>`, []string{"click"}},
		{"javascript entity-encoded", `<a href="&#106;avascript&#58;alert(1)">click</a>`, []string{"click"}},
		{"javascript with tab", "<a href=\"java\tscript:alert(1)\">click</a>", []string{"click"}},
		{"javascript leading space", `<a href="  javascript:alert(1)">click</a>`, []string{"click"}},
		{"javascript mixed case", `<a href="JaVaScRiPt:alert(1)">click</a>`, []string{"click"}},
		{"vbscript", `<a href="vbscript:msgbox(1)">click</a>`, []string{"click"}},
		{"data html link", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`, []string{"click"}},
		{"data svg image", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`, nil},
		{"iframe", `<iframe src="https://evil.example/"></iframe><p>after</p>`, []string{"<p>after</p>"}},
		{"object embed applet", `<object data="x.swf"><embed src="x.swf"></object><applet code="x"></applet>ok`, []string{"ok"}},
		{"frameset", `<frameset><frame src="x"></frameset>ok`, []string{"ok"}},
		{"form", `<form action="https://evil.example/"><input name=q><button>Go</button>Label</form>`, []string{"Label"}},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">ok`, []string{"ok"}},
		{"link stylesheet", `<link rel="stylesheet" href="https://evil.example/x.css">ok`, []string{"ok"}},
		{"base", `<base href="https://evil.example/"><a href="/x">x</a>`, []string{`href="https://outlet.example/x"`}},
		{"style element", `<style>body{background:url(javascript:alert(1))}</style>ok`, []string{"ok"}},
		{"style attribute", `<p style="background:url(javascript:alert(1));behavior:url(x.htc)">ok</p>`, []string{"<p>ok</p>"}},
		{"expression style", `<div style="width: expression(alert(1))">ok</div>`, []string{"<div>ok</div>"}},
		{"svg onload", `<svg onload="alert(1)"><script>alert(1)</script></svg>ok`, []string{"ok"}},
		{"math xlink", `<math><maction xlink:href="javascript:alert(1)">x</maction></math>ok`, []string{"ok"}},
		{"unclosed attribute", `<img src="x.jpg" alt="a onerror=alert(1)//">`, nil},
		{"broken tag soup", `<<script>alert(1);//<</script>ok`, []string{"ok"}},
		{"nested script trick", `<scr<script>ipt>alert(1)</script>ok`, nil},
		{"handler without quotes", `<div onmouseover=alert(1)>hover</div>`, []string{"<div>hover</div>"}},
		{"handler after slash", `<img/src="/a.jpg"/onerror=alert(1)>`, []string{`src="https://outlet.example/a.jpg"`}},
		{"template", `<template><script>alert(1)</script></template>ok`, []string{"ok"}},
		{"noscript text dropped", `<noscript><p>Enable JavaScript</p></noscript>ok`, []string{"ok"}},
		{"xmp raw", `<xmp><script>alert(1)</script></xmp>`, []string{"&lt;script&gt;"}},
		{"srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>ok`, []string{"ok"}},
		{"formaction", `<button formaction="javascript:alert(1)">x</button>ok`, []string{"ok"}},
		{"dollar attribute", `<img src="http://site.invalid/img.jpg" $="x">`, []string{`src="http://site.invalid/img.jpg"`}},
		{"quote in attribute", `<img src="/a.jpg" alt='say "hi" &amp; <bye>'>`, []string{`alt="say &quot;hi&quot; &amp; &lt;bye&gt;"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in, base)
			checkSafe(t, tt.in, got)
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("Sanitize(%q) = %q: lost %q", tt.in, got, k)
				}
			}
		})
	}
}

func TestSanitizeFidelity(t *testing.T) {
	base := mustURL(t, "https://outlet.example/news/2024/story.html")
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", `<p>One.</p><p>Two.</p>`, "<p>One.</p>\n<p>Two.</p>"},
		{"inline formatting", `<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <u>e</u> <s>f</s> x<sub>2</sub> y<sup>3</sup> <small>g</small> <mark>h</mark> <code>i</code> <kbd>j</kbd></p>`,
			"<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <u>e</u> <s>f</s> x<sub>2</sub> y<sup>3</sup> <small>g</small> <mark>h</mark> <code>i</code> <kbd>j</kbd></p>"},
		{"relative link", `<a href="../other.html" title="Other">other</a>`,
			`<a href="https://outlet.example/news/other.html" title="Other" rel="nofollow noopener noreferrer">other</a>`},
		{"mailto kept", `<a href="mailto:desk@outlet.example">mail</a>`,
			`<a href="mailto:desk@outlet.example" rel="nofollow noopener noreferrer">mail</a>`},
		{"protocol relative", `<img src="//cdn.example/a.jpg">`, `<img src="https://cdn.example/a.jpg"/>`},
		{"tracking params", `<a href="https://o.example/a?utm_source=rss&amp;utm_medium=feed&amp;id=7&amp;fbclid=X&amp;gclid=Y&amp;mc_cid=1&amp;yclid=2">a</a>`,
			`<a href="https://o.example/a?id=7" rel="nofollow noopener noreferrer">a</a>`},
		{"ampersand in query escaped", `<a href="/s?a=1&amp;b=2">s</a>`,
			`<a href="https://outlet.example/s?a=1&amp;b=2" rel="nofollow noopener noreferrer">s</a>`},
		{"link without href unwrapped", `<a name="top">Top</a>`, "Top"},
		{"image attributes", `<img src="a.jpg" alt="A cat" title="Cat" width="640" height="480px" class="wide" style="border:0">`,
			`<img src="https://outlet.example/news/2024/a.jpg" alt="A cat" title="Cat" width="640" height="480"/>`},
		{"lists", `<ul><li>a</li><li>b</li></ul><ol start="3"><li>c</li></ol>`,
			"<ul><li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\"><li>c</li>\n</ol>"},
		{"blockquote and q", `<blockquote cite="/src">Said <q>this</q>.</blockquote>`,
			"<blockquote cite=\"https://outlet.example/src\">Said <q>this</q>.</blockquote>"},
		{"headings", `<h2>Sub</h2><h6>Tiny</h6>`, "<h2>Sub</h2>\n<h6>Tiny</h6>"},
		{"table", `<table><thead><tr><th colspan="2">H</th></tr></thead><tbody><tr><td rowspan=2 style="x">1</td><td></td></tr></tbody></table>`,
			"<table><thead><tr><th colspan=\"2\">H</th>\n</tr>\n</thead>\n<tbody><tr><td rowspan=\"2\">1</td>\n<td></td>\n</tr>\n</tbody>\n</table>"},
		{"figure", `<figure><img src="/p.jpg" alt="P"><figcaption>Caption <cite>AP</cite></figcaption></figure>`,
			"<figure><img src=\"https://outlet.example/p.jpg\" alt=\"P\"/><figcaption>Caption <cite>AP</cite></figcaption>\n</figure>"},
		{"dl hr abbr time del ins", `<dl><dt>T</dt><dd>D</dd></dl><hr><abbr title="North Atlantic Treaty Organization">NATO</abbr> <time datetime="2024-01-02">Jan 2</time> <del>old</del><ins>new</ins>`,
			"<dl><dt>T</dt>\n<dd>D</dd>\n</dl>\n<hr/>\n<abbr title=\"North Atlantic Treaty Organization\">NATO</abbr> <time datetime=\"2024-01-02\">Jan 2</time> <del>old</del><ins>new</ins>"},
		{"span div attributes dropped", `<div class="x" id="y" data-foo="1"><span class="c" style="color:red">t</span></div>`, "<div><span>t</span></div>"},
		{"semantic blocks become div", `<section><article><header>H</header><p>P</p></article></section>`,
			"<div><div><div>H</div>\n<p>P</p>\n</div>\n</div>"},
		{"unknown inline unwrapped", `<p><font color="red">red</font> <custom-el x="1">custom</custom-el></p>`, "<p>red custom</p>"},
		{"whitespace collapsed", "<p>  a \n\t b   </p>\n\n<p>c</p>", "<p>a b</p>\n<p>c</p>"},
		{"nbsp between words kept once", "<p>10&nbsp;km</p>", "<p>10\u00a0km</p>"},
		{"nbsp runs collapse", "<p>a&nbsp;&nbsp;&nbsp;b</p>", "<p>a b</p>"},
		{"empty paragraphs dropped", `<p>&nbsp;</p><p>a</p><p> </p><p><br></p>`, "<p>a</p>"},
		{"pre kept", "<pre>  x\n    y</pre>", "<pre>  x\n    y</pre>"},
		{"pre leading newline kept", "<pre>\n\nx</pre>", "<pre>\n\nx</pre>"},
		{"br", `<p>line<br>next<br/></p>`, "<p>line<br/>next<br/></p>"},
		{"entities decoded and re-escaped", `<p>&eacute; &amp; &lt;b&gt; &#8212; &hellip;</p>`, "<p>é &amp; &lt;b&gt; — …</p>"},
		{"controls stripped", "<p>a\x01b\x7fc\u200bd</p>", "<p>abcd</p>"},
		{"media", `<video src="/v.mp4" poster="/p.jpg" autoplay muted width="640"><source src="/v.webm" type="video/webm; codecs=vp9">Fallback</video>`,
			"<video src=\"https://outlet.example/v.mp4\" controls=\"controls\" poster=\"https://outlet.example/p.jpg\" width=\"640\"><source src=\"https://outlet.example/v.webm\" type=\"video/webm\"/></video>"},
		{"audio", `<audio controls><source src="a.mp3" type="audio/mpeg"></audio>`,
			"<audio controls=\"controls\"><source src=\"https://outlet.example/news/2024/a.mp3\" type=\"audio/mpeg\"/></audio>"},
		{"youtube iframe becomes link", `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0"></iframe>`,
			`<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="nofollow noopener noreferrer">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a>`},
		{"lang dir kept", `<p lang="ar" dir="rtl">نص</p>`, `<p lang="ar" dir="rtl">نص</p>`},
		{"invalid utf8", "<p>a\xffb</p>", "<p>a\ufffdb</p>"},
		{"full document", `<html><head><title>T</title><script>x()</script></head><body><p>Body</p></body></html>`, "T<p>Body</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in, base); got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeImages(t *testing.T) {
	base := mustURL(t, "https://outlet.example/news/story.html")
	const gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
	tests := []struct {
		name, in, want string
	}{
		{"data-src over placeholder", `<img src="` + gif + `" data-src="/i/real.jpg" alt="x">`, `<img src="https://outlet.example/i/real.jpg" alt="x"/>`},
		{"data-lazy-src", `<img src="/img/blank.gif" data-lazy-src="/i/a.jpg">`, `<img src="https://outlet.example/i/a.jpg"/>`},
		{"data-original", `<img class="lazy" data-original="/i/b.jpg">`, `<img src="https://outlet.example/i/b.jpg"/>`},
		{"data-srcset largest", `<img data-srcset="/i/c-320.jpg 320w, /i/c-1024.jpg 1024w, /i/c-640.jpg 640w">`, `<img src="https://outlet.example/i/c-1024.jpg"/>`},
		{"srcset density", `<img src="/i/d.jpg" srcset="/i/d.jpg 1x, /i/d@2x.jpg 2x">`, `<img src="https://outlet.example/i/d@2x.jpg"/>`},
		{"srcset without descriptors loses to src", `<img src="/i/e.jpg" srcset="/i/e-small.jpg">`, `<img src="https://outlet.example/i/e.jpg"/>`},
		{"srcset url with commas", `<img srcset="https://cdn.example/w_400,h_300/f.jpg 400w, https://cdn.example/w_800,h_600/f.jpg 800w">`, `<img src="https://cdn.example/w_800,h_600/f.jpg"/>`},
		{"noscript fallback deduplicated", `<img src="` + gif + `" data-src="/i/g.jpg"><noscript><img src="/i/g.jpg"></noscript>`, `<img src="https://outlet.example/i/g.jpg"/>`},
		{"noscript fallback when lazy has nothing", `<img class="js-lazy" src="` + gif + `"><noscript><img src="/i/h.jpg" alt="h"></noscript>`, `<img src="https://outlet.example/i/h.jpg" alt="h"/>`},
		{"picture sources", `<picture><source media="(min-width:800px)" srcset="/i/p-1600.webp 1600w, /i/p-800.webp 800w" type="image/webp"><img src="/i/p.jpg" alt="p"></picture>`, `<img src="https://outlet.example/i/p-1600.webp" alt="p"/>`},
		{"picture plain img", `<picture><source media="(max-width:600px)" srcset="/i/q-small.jpg"><img src="/i/q.jpg" alt="q"></picture>`, `<img src="https://outlet.example/i/q.jpg" alt="q"/>`},
		{"picture lazy img", `<picture><source data-srcset="/i/r-1200.jpg 1200w"><img data-src="/i/r.jpg"></picture>`, `<img src="https://outlet.example/i/r-1200.jpg"/>`},
		{"picture svg source skipped", `<picture><source srcset="/i/s.svg 2000w" type="image/svg+xml"><img src="/i/s.png"></picture>`, `<img src="https://outlet.example/i/s.png"/>`},
		{"1x1 pixel", `<img src="https://stats.outlet.example/c.gif?id=1" width="1" height="1">ok`, "ok"},
		{"hidden pixel by style", `<img src="/c.gif" style="display:none">ok`, "ok"},
		{"feedburner pixel", `<img src="http://feeds.feedburner.com/~r/Outlet/~4/abcdef" height="1" width="1" alt="">ok`, "ok"},
		{"tracker host no size", `<img src="https://www.google-analytics.com/collect?v=1&tid=UA-1">ok`, "ok"},
		{"yandex counter", `<img src="https://mc.yandex.ru/watch/123">ok`, "ok"},
		{"link around tracker dropped", `<a href="http://feeds.feedburner.com/~ff/Outlet?a=x"><img src="http://feeds.feedburner.com/~ff/Outlet?d=y" border="0"></a>ok`, "ok"},
		{"raster data image kept", `<img src="data:image/png;base64,` + strings.Repeat("iVBORw0KGgo", 40) + `">`, `<img src="data:image/png;base64,` + strings.Repeat("iVBORw0KGgo", 40) + `"/>`},
		{"no source keeps alt", `<img alt="년">ok`, `<img alt="년"/>ok`},
		{"no source no alt", `<img title="t">ok`, "ok"},
		{"lazy without source dropped", `<img class="lazyload" alt="x">ok`, "ok"},
		{"same image twice kept once", `<img src="/i/z.jpg"><img src="/i/z.jpg">`, `<img src="https://outlet.example/i/z.jpg"/>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in, base); got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeNoBase(t *testing.T) {
	got := Sanitize(`<a href="/rel">r</a><img src="//cdn.example/a.jpg"><a href="foo:bar">f</a>`, nil)
	want := `<a href="/rel" rel="nofollow noopener noreferrer">r</a><img src="//cdn.example/a.jpg"/>f`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSanitizeRewriteLinks(t *testing.T) {
	base := mustURL(t, "https://outlet.example/")
	opts := Options{RewriteLinks: []crosswire.LinkRewrite{{From: "https://outlet.example/", To: "https://mirror.example/"}}}
	got := SanitizeWith(`<a href="/a">a</a><img src="/b.jpg">`, base, opts)
	want := `<a href="https://mirror.example/a" rel="nofollow noopener noreferrer">a</a><img src="https://mirror.example/b.jpg"/>`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A rewrite cannot smuggle a dangerous scheme in.
	opts = Options{RewriteLinks: []crosswire.LinkRewrite{{From: "https://outlet.example/", To: "javascript:alert(1)//"}}}
	if got := SanitizeWith(`<a href="/a">a</a>`, base, opts); got != "a" {
		t.Errorf("rewrite to javascript: got %q", got)
	}
}

// TestSanitizeWellFormedXML checks the output parses as XML (wrapped in a
// root), so a feed writer can embed it as XHTML.
func TestSanitizeWellFormedXML(t *testing.T) {
	base := mustURL(t, "https://outlet.example/")
	for _, in := range []string{
		`<p>a &nbsp; &copy; &eacute; <br> <img src=x alt="&quot;q&quot;"> <hr> <wbr>`,
		`<table><tr><td>1<td>2</table><ul><li>x<li>y</ul>`,
		"<p>\x00\x01\x0b\ufffe text</p>",
		`<video src=v.mp4 controls><source src=v.webm></video><audio src=a.mp3></audio>`,
		`<p>unclosed <b>bold <i>both</p> after`,
	} {
		out := Sanitize(in, base)
		if err := checkXML(out); err != nil {
			t.Errorf("Sanitize(%q) = %q: not well-formed XML: %v", in, out, err)
		}
	}
}

func checkXML(fragment string) error {
	d := xml.NewDecoder(strings.NewReader("<root>" + fragment + "</root>"))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestSanitizeIdempotent(t *testing.T) {
	base := mustURL(t, "https://outlet.example/a/b.html")
	inputs := []string{
		`<p>a <b> </b> b</p><p>&nbsp;</p>x <div>y</div> z`,
		`<b><p>x</p>y</b> tail`,
		`<ul><li>one<li>two <em>three</em></ul> <pre>
 keep   this
</pre>`,
		`<img data-src="/i.jpg"><noscript><img src="/i.jpg"></noscript><picture><source srcset="/p 900w"><img src="/q"></picture>`,
		`<table><tr><td> a </td><td></td></tr></table><p>10&nbsp;km &nbsp;x</p>`,
		`<a href="/x?utm_source=a&b=1">l <i>i</i> </a> after`,
	}
	for _, in := range inputs {
		once := Sanitize(in, base)
		if twice := Sanitize(once, base); twice != once {
			t.Errorf("not idempotent for %q:\n once %q\ntwice %q", in, once, twice)
		}
	}
}

func TestStripTracking(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example/x?utm_source=rss&utm_campaign=c", "https://a.example/x"},
		{"https://a.example/x?id=1&fbclid=abc", "https://a.example/x?id=1"},
		{"https://a.example/x?b=2&a=1", "https://a.example/x?b=2&a=1"},
		{"https://a.example/x?UTM_Source=x&q=%20y", "https://a.example/x?q=%20y"},
		{"https://a.example/x", "https://a.example/x"},
	}
	for _, tt := range tests {
		if got := StripTracking(tt.in); got != tt.want {
			t.Errorf("StripTracking(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
