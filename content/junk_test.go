package content

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"crosswire"
)

func TestCleanRemovesJunk(t *testing.T) {
	base := mustURL(t, "https://outlet.example/news/1")
	long := strings.Repeat("A real sentence of the story goes here. ", 45)
	tests := []struct {
		name       string
		in         string
		keep, drop []string
	}{
		{"rt read more paragraph",
			`<p>First.</p><p><strong>READ MORE: <a href="/x">Zakharova slams 'hysteria'</a></strong></p><p>Second.</p>`,
			[]string{"First.", "Second."}, []string{"READ MORE", "Zakharova"}},
		{"read more box with label",
			`<p>First.</p><div class="read-more-big"><div class="read-more-big__label">Read more</div><a href="/y">Baltic cable damage</a></div>`,
			[]string{"First."}, []string{"Baltic cable"}},
		{"related aside with heading and list",
			`<p>First.</p><aside class="related-box"><h3>Read more:</h3><ul><li><a href="/1">One</a></li><li><a href="/2">Two</a></li></ul></aside><p>Second.</p>`,
			[]string{"First.", "Second."}, []string{"Read more", "One", "Two"}},
		{"bare related heading and list",
			`<p>First.</p><h3>Related</h3><ul><li><a href="/1">Other story one</a></li><li><a href="/2">Other story two</a></li></ul>`,
			[]string{"First."}, []string{"Related", "Other story"}},
		{"rt two-paragraph teaser: label, then the link",
			`<p>First.</p><p><strong>Read more</strong></p><p><a href="/z">Russian Central Bank lowers key rate again</a></p><p>Second.</p>`,
			[]string{"First.", "Second."}, []string{"Read more", "key rate"}},
		{"a paragraph that only says read more keeps a real paragraph after it",
			`<p>First.</p><p>Read more</p><p>The minister, quoted at length by <a href="/q">the agency</a>, said the budget would pass within the week despite objections from two coalition partners.</p>`,
			[]string{"First.", "The minister"}, nil},
		{"russian teaser",
			`<p>Текст.</p><p><b>Читайте также: <a href="/t">Тарифы заморозят</a></b></p>`,
			[]string{"Текст."}, []string{"Читайте", "Тарифы"}},
		{"german teaser",
			`<p>Text.</p><p><strong>Lesen Sie auch:</strong> <a href="/p">Parkgebühren steigen</a></p>`,
			[]string{"Text."}, []string{"Lesen", "Parkgebühren"}},
		{"share links and bar",
			`<p>Body.</p><div class="share-buttons"><a href="/s">Share</a></div><p><a href="https://www.facebook.com/sharer/sharer.php?u=x">Facebook</a> <a href="https://twitter.com/intent/tweet?url=x">Tweet</a> <a href="https://t.me/share/url?url=x">Telegram</a></p>`,
			[]string{"Body."}, []string{"Share", "Facebook", "Tweet", "Telegram"}},
		{"ad label and slot",
			`<p>Body.</p><div class="ad-slot"><span>Advertisement</span></div><p>Advertisement</p><p>More.</p>`,
			[]string{"Body.", "More."}, []string{"Advertisement"}},
		{"newsletter and comments",
			`<p>Body.</p><div class="newsletter-signup"><p>Get our newsletter</p></div><div id="comments"><p>Great article!</p></div>`,
			[]string{"Body."}, []string{"newsletter", "Great article"}},
		{"hidden elements",
			`<p>Body.</p><p hidden>Secret</p><div style="display: none">Invisible</div><span class="sr-only">Opens in a new window</span>`,
			[]string{"Body."}, []string{"Secret", "Invisible", "Opens"}},
		{"feedburner flare",
			`<p>Body.</p><div class="feedflare"><a href="http://feeds.feedburner.com/~ff/Outlet?a=1"><img src="http://feeds.feedburner.com/~ff/Outlet?d=1" border="0"></a></div>`,
			[]string{"Body."}, []string{"feedburner"}},
		{"read more without a link is prose",
			`<p>Read more about the budget in tomorrow's edition, the minister said.</p>`,
			[]string{"Read more about the budget"}, nil},
		{"read more with long prose is kept",
			`<p>Read more: the report, which ran to 300 pages and was <a href="/r">published</a> on Monday, found that the agency had missed its targets in every region it covers.</p>`,
			[]string{"which ran to 300 pages"}, nil},
		{"commentary is not comments",
			`<div class="commentary-body"><p>Opinion text.</p></div>`,
			[]string{"Opinion text."}, nil},
		{"content wrapper with junk class kept",
			`<div class="article-body has-share-buttons"><p>` + long + `</p></div>`,
			[]string{"A real sentence"}, nil},
		{"figure and quote kept",
			`<figure><img src="/a.jpg" alt="A"><figcaption>Caption</figcaption></figure><blockquote><p>Quote</p></blockquote>`,
			[]string{"<figcaption>Caption</figcaption>", "<p>Quote</p>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in, base, crosswire.Rules{})
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("Clean lost %q: %q", k, got)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(got, d) {
					t.Errorf("Clean kept %q: %q", d, got)
				}
			}
		})
	}
}

func TestCleanRules(t *testing.T) {
	base := mustURL(t, "https://outlet.example/")
	rules := crosswire.Rules{
		Remove:       []string{"p.promo", "div#box"},
		StripAttrs:   []string{"data-src"},
		RewriteLinks: []crosswire.LinkRewrite{{From: "https://outlet.example/", To: "https://mirror.example/"}},
	}
	in := `<p>Body <a href="/a">link</a>.</p><p class="promo">Buy now</p><div id="box">Box</div><img src="/real.jpg" data-src="/wrong.jpg">`
	got := Clean(in, base, rules)
	want := `<p>Body <a href="https://mirror.example/a" rel="nofollow noopener noreferrer">link</a>.</p>` + "\n" + `<img src="https://mirror.example/real.jpg"/>`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if err := ValidateRules(crosswire.Rules{Remove: []string{"p["}}); err == nil {
		t.Error("ValidateRules accepted a broken selector")
	}
	// A broken selector in Clean is skipped, the rest still applies.
	if got := Clean(`<p class="promo">x</p><p>y</p>`, base, crosswire.Rules{Remove: []string{"p[", "p.promo"}}); got != "<p>y</p>" {
		t.Errorf("lenient Clean: got %q", got)
	}
}

func TestNeedsFullText(t *testing.T) {
	article := "<p>" + strings.Repeat("word ", 400) + "</p>"
	mid := "<p>" + strings.Repeat("word ", 200) + "Read more…</p>"
	midClean := "<p>" + strings.Repeat("word ", 200) + "end.</p>"
	teaser := "<p>The minister said on Tuesday that talks would resume in Geneva next week.</p>"
	cjk := "<p>" + strings.Repeat("中国外交部发言人表示", 40) + "</p>"
	tests := []struct {
		mode, html string
		want       bool
	}{
		{crosswire.FullTextAlways, article, true},
		{crosswire.FullTextNever, "", false},
		{crosswire.FullTextAuto, "", true},
		{crosswire.FullTextAuto, teaser, true},
		{crosswire.FullTextAuto, article, false},
		{crosswire.FullTextAuto, mid, true},
		{crosswire.FullTextAuto, midClean, false},
		{"", teaser, true},
		{crosswire.FullTextAuto, cjk, false},
	}
	for i, tt := range tests {
		if got := NeedsFullText(tt.mode, tt.html); got != tt.want {
			t.Errorf("%d: NeedsFullText(%q, %.40q) = %v, want %v", i, tt.mode, tt.html, got, tt.want)
		}
	}
}

// junkByTextByNormText and teaserHeadingByNormText are the text decisions
// made the plain way, on the whole normText: the oracle for the probe.
func junkByTextByNormText(n *html.Node) bool {
	t := normText(n, 600)
	if adLabels[strings.ToLower(strings.TrimRight(t, ".:"))] {
		return true
	}
	lt := strings.ToLower(t)
	prefix := ""
	for _, p := range teaserPrefixes {
		if strings.HasPrefix(lt, p) {
			prefix = p
			break
		}
	}
	if prefix == "" || !hasLink(n) || len(t) > 400 {
		return false
	}
	rest := utf8.RuneCountInString(t) - utf8.RuneCountInString(prefix)
	return rest <= 0 || float64(linkTextLen(n)) >= 0.5*float64(rest)
}

func teaserHeadingByNormText(n *html.Node) bool {
	return teaserHeadings[strings.ToLower(strings.TrimRight(normText(n, 100), " :.…"))]
}

// probeWords are what the text decisions turn on: teaser prefixes and
// labels in several cases, ad labels, runes whose lower case is shorter
// or longer (Kelvin sign, İ), invalid bytes, trailing punctuation, long
// runs that cross the 100, 400 and 600-byte limits.
var probeWords = []string{
	"Read more", "READ MORE:", "read also", "Related", "related:", "Related stories", "See also", "More on this story",
	"Читайте также", "ЧИТАЙТЕ ТАКЖЕ:", "Смотрите также", "По теме", "Lesen Sie auch", "À lire aussi", "اقرأ أيضا",
	"Advertisement", "ADVERTISEMENT", "Sponsored content", "Continue reading below advertisement", "Реклама", "Anzeige",
	"advertisement · scroll to continue", "You might also like", "Don’t miss", "more:", "Recommended:",
	"The minister said", "\u212aelvin", "İstanbul", "ẞ", "\xff\xfe", "\u00a0", "\u200b", "...", ":", "…", " : ", "\t\n",
	"&amp;", strings.Repeat("long text ", 12), strings.Repeat("é", 60), strings.Repeat(".", 50), strings.Repeat("word ", 90),
}

var probeTags = []string{"p", "div", "h2", "span", "li", "ul", "section", "b", "a", "a", "script", "style", "td", "br", "img"}

func probeFragment(r *rand.Rand, depth int, b *strings.Builder) {
	for range r.IntN(5) + 1 {
		if r.IntN(10) < 4 || depth > 4 {
			b.WriteString(probeWords[r.IntN(len(probeWords))])
			if r.IntN(3) == 0 {
				b.WriteByte(' ')
			}
			continue
		}
		tag := probeTags[r.IntN(len(probeTags))]
		attr := ""
		if tag == "a" {
			attr = ` href="/story"`
		}
		b.WriteString("<" + tag + attr + ">")
		probeFragment(r, depth+1, b)
		b.WriteString("</" + tag + ">")
	}
}

// TestJunkTextProbe: the probe decides as reading the whole normText
// would, on every element of the fixtures and of generated fragments.
func TestJunkTextProbe(t *testing.T) {
	for _, n := range []int{adLabelMaxLen, teaserHeadingMaxLen, teaserPrefixMaxLen} {
		if n > probeHead {
			t.Fatalf("a label of %d bytes does not fit the probe's %d", n, probeHead)
		}
	}
	ins := cleanInputs(t)
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		probeFragment(r, 0, &b)
		ins = append(ins, b.String())
	}
	junk, headings := 0, 0
	for _, in := range ins {
		nodes, err := parseFragment(in)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				want := junkByTextByNormText(n)
				if got := junkByText(n); got != want {
					t.Errorf("junkByText(%q) = %v, want %v", normText(n, 600), got, want)
				}
				wantH := teaserHeadingByNormText(n)
				if got := isTeaserHeading(n); got != wantH {
					t.Errorf("isTeaserHeading(%q) = %v, want %v", normText(n, 100), got, wantH)
				}
				if want {
					junk++
				}
				if wantH {
					headings++
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
	// The inputs must reach both answers of both decisions.
	if junk < 100 || headings < 100 {
		t.Errorf("only %d junk texts and %d teaser headings among the inputs", junk, headings)
	}
}
