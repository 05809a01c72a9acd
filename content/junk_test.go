package content

import (
	"strings"
	"testing"

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
