package content

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The built-in clean-up: what outlets wrap around an article on any site.
// It runs on a parsed tree, before the sanitizer, both on feed content
// (Cleaner.Clean) and on fetched pages (Cleaner.Extract).

// junkWords are class/id words that mark boilerplate. A class or id is
// split into words at "-", "_", spaces and camelCase humps, and matched
// whole, so "share-bar" and "shareBar" match "share" while "commentary"
// does not match "comment".
var junkWords = map[string]bool{
	"share": true, "shares": true, "sharing": true, "sharebar": true, "sharetools": true,
	"newsletter": true, "newsletters": true, "subscribe": true, "subscription": true, "signup": true,
	"related": true, "recommended": true, "recommendations": true, "recirculation": true,
	"comments": true, "comment": true, "disqus": true,
	"cookie": true, "cookies": true, "consent": true, "gdpr": true,
	"ad": true, "ads": true, "advert": true, "adverts": true, "advertisement": true, "advertising": true,
	"adslot": true, "adunit": true, "dfp": true, "sponsor": true, "sponsored": true, "promo": true,
	"outbrain": true, "taboola": true, "breadcrumb": true, "breadcrumbs": true,
	"popup": true, "modal": true, "paywall": true, "tags": true, "hidden": true, "toolbar": true,
	"readmore": true, "seealso": true, "alsoread": true, "byline": true,
	// The block above the body: kicker, headline, byline, date. The title,
	// byline and date come from metadata; the headline is shown once.
	"kicker": true, "eyebrow": true, "overline": true, "meta": true, "header": true,
}

// junkPairs are two adjacent words that together mark boilerplate.
var junkPairs = map[[2]string]bool{
	{"read", "more"}: true, {"read", "also"}: true, {"also", "read"}: true, {"see", "also"}: true,
	{"more", "stories"}: true, {"top", "stories"}: true, {"most", "read"}: true, {"most", "popular"}: true,
	{"more", "from"}: true, {"you", "may"}: true, {"you", "might"}: true,
	{"sr", "only"}: true, {"screen", "reader"}: true, {"social", "links"}: true,
	{"social", "icons"}: true, {"social", "buttons"}: true, {"follow", "us"}: true,
	{"skip", "link"}: true, {"skip", "to"}: true,
}

// contentWords mark the article container itself; an element that has
// them and a lot of text is never junk, whatever else its class says.
var contentWords = map[string]bool{
	"article": true, "content": true, "body": true, "story": true, "entry": true,
	"post": true, "text": true, "main": true,
}

// teaserPrefixes open an inline "read more" box: a short block, mostly a
// link to another story, inside an article's text.
var teaserPrefixes = []string{
	"read more", "read also", "also read", "read next", "see also", "related:", "related article",
	"related story", "related stories", "related coverage", "related content", "more on this",
	"more:", "recommended:", "you may also like", "you might also like", "don't miss", "don’t miss",
	"читайте также", "читайте еще", "читайте ещё", "читайте нас", "подробнее", "по теме",
	"смотрите также", "также читайте", "читайте також", "lesen sie auch", "mehr zum thema",
	"auch interessant", "lire aussi", "à lire aussi", "a lire aussi", "voir aussi",
	"leer también", "lea también", "lee también", "leia também", "leggi anche",
	"czytaj także", "czytaj też", "اقرأ أيضا", "اقرأ أيضاً", "اقرأ المزيد",
}

// adLabels are whole-block texts that only label an ad slot.
var adLabels = map[string]bool{
	"advertisement": true, "advertising": true, "sponsored": true, "sponsored content": true,
	"story continues below advertisement": true, "article continues below": true,
	"continue reading below": true, "continue reading below advertisement": true,
	"скрыть рекламу": true, "реклама": true, "anzeige": true, "publicité": true, "publicidad": true,
	"advertisement · scroll to continue": true, "إعلان": true, "pubblicità": true, "reklama": true,
}

// shareEndpoints are link targets of share buttons (host+path prefixes).
var shareEndpoints = []string{
	"facebook.com/sharer", "facebook.com/share.php", "facebook.com/dialog/share", "facebook.com/dialog/feed",
	"twitter.com/intent/", "twitter.com/share", "x.com/intent/", "x.com/share",
	"t.me/share", "telegram.me/share", "vk.com/share.php", "connect.ok.ru/offer",
	"linkedin.com/sharearticle", "linkedin.com/sharing", "linkedin.com/cws/share", "reddit.com/submit",
	"pinterest.com/pin/create", "api.whatsapp.com/send", "web.whatsapp.com/send", "wa.me/",
	"news.ycombinator.com/submitlink", "getpocket.com/save", "getpocket.com/edit",
	"share.flipboard.com", "bsky.app/intent", "tumblr.com/widgets/share", "viber://forward",
}

// removeJunk deletes boilerplate elements under root (not root itself).
func removeJunk(root *html.Node) {
	var next *html.Node
	for c := root.FirstChild; c != nil; c = next {
		next = c.NextSibling
		if c.Type != html.ElementNode {
			continue
		}
		if isJunk(c) {
			root.RemoveChild(c)
			continue
		}
		// A bare "Read more:" label (a heading, or a paragraph without a
		// link, as RT-style sites write <p><strong>Read more</strong></p>)
		// followed by a block of links: the label and the links go.
		if isTeaserLabel(c) {
			if sib := nextElement(c); sib != nil && linkTextRatio(sib) >= 0.6 && (isHeading(c.DataAtom) || textLen(sib, 500) <= 400) {
				next = sib.NextSibling
				root.RemoveChild(sib)
				root.RemoveChild(c)
				continue
			}
		}
		removeJunk(c)
	}
}

func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			return nil
		}
	}
	return nil
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// isJunk decides for one element.
func isJunk(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main:
		return false
	case atom.Nav, atom.Form, atom.Button, atom.Dialog, atom.Script, atom.Style, atom.Template:
		return true
	case atom.A:
		if isShareLink(attr(n, "href")) {
			return true
		}
	}
	if hasAttr(n, "hidden") || strings.EqualFold(attr(n, "aria-hidden"), "true") && findFirst(n, atom.Img) == nil && n.DataAtom != atom.Img {
		return true
	}
	switch strings.ToLower(attr(n, "role")) {
	case "navigation", "dialog", "alertdialog", "banner", "contentinfo", "search":
		return true
	}
	if st := attr(n, "style"); st != "" {
		st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
		if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
			return true
		}
	}
	if junkByName(n) {
		return true
	}
	if isBlockAtom(n.DataAtom) || n.DataAtom == atom.Span {
		return junkByText(n)
	}
	return false
}

// junkByText: a whole-block ad label, or an inline teaser ("Read more:
// <a>...</a>") that is short and mostly link. Both look at the element's
// normText(n, 600) lower-cased, but only at a short one or at how it
// begins, so the probe stops reading once neither can match: isJunk runs
// on every block at every depth, and reading 600 bytes of text for each
// was most of the clean-up's cost.
func junkByText(n *html.Node) bool {
	p := textProbe{limit: 600, trim: ".:", maxLen: adLabelMaxLen, teaser: true}
	p.walk(n)
	if p.stopped {
		return false
	}
	if t, ok := p.trimmed(); ok && adLabels[string(t)] {
		return true
	}
	if p.n > 400 || !hasTeaserPrefix(p.lower()) || !hasLink(n) {
		return false
	}
	return teaserLinky(n, p.lower(), p.runes)
}

// junkByName matches the element's class and id against junkWords.
func junkByName(n *html.Node) bool {
	// React-built sites name their blocks in data-component/data-testid.
	class, id, comp, testid := attr(n, "class"), attr(n, "id"), attr(n, "data-component"), attr(n, "data-testid")
	if class == "" && id == "" && comp == "" && testid == "" {
		return false // most elements: no need to build the names
	}
	words := nameWords(class + " " + id + " " + comp + " " + testid)
	junk, strong, content := false, false, false
	for i, w := range words {
		if junkWords[w] {
			junk = true
			strong = strong || strongJunk[w]
		}
		if i+1 < len(words) && junkPairs[[2]string{w, words[i+1]}] {
			junk, strong = true, true
		}
		if contentWords[w] {
			content = true
		}
	}
	if !junk || n.DataAtom == atom.Article {
		return false
	}
	// "article-body has-share" or "post-content ad-wrapped": the
	// container itself, never thrown away when it holds real text. And
	// share bars, ad slots and tag lists are short; a long element with
	// such a word is a page wrapper ("site sticky-ads"), not junk.
	// Comment threads, related-story rails and consent walls can be long.
	return !((content || !strong) && textLen(n, 1500) >= 1500)
}

// strongJunk words mark boilerplate however much text it holds.
var strongJunk = map[string]bool{
	"comments": true, "comment": true, "disqus": true, "related": true, "recommended": true,
	"recommendations": true, "recirculation": true, "outbrain": true, "taboola": true,
	"newsletter": true, "newsletters": true, "cookie": true, "cookies": true, "consent": true, "gdpr": true,
}

// nameWords splits class/id values into lower-case words.
func nameWords(s string) []string {
	var words []string
	start := -1
	prevLower := false
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, strings.ToLower(s[start:end]))
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && prevLower {
				flush(i)
			}
			if start < 0 {
				start = i
			}
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		default:
			flush(i)
			prevLower = false
		}
	}
	flush(len(s))
	return words
}

func isShareLink(href string) bool {
	href = strings.TrimSpace(href)
	if href == "" {
		return false
	}
	lh := strings.ToLower(href)
	if strings.HasPrefix(lh, "mailto:?") || strings.HasPrefix(lh, "viber://") || strings.HasPrefix(lh, "whatsapp://") || strings.HasPrefix(lh, "tg://msg") {
		return true
	}
	u, err := url.Parse(href)
	if err != nil || u.Host == "" {
		return false
	}
	hp := strings.TrimPrefix(strings.ToLower(u.Host), "www.") + strings.ToLower(u.Path)
	hp = strings.TrimPrefix(hp, "m.")
	for _, e := range shareEndpoints {
		if strings.HasPrefix(hp, e) {
			return true
		}
	}
	return strings.HasPrefix(hp, "ok.ru/") && strings.Contains(strings.ToLower(u.RawQuery), "share")
}

// hasTeaserPrefix reports whether a lower-cased text opens with a teaser
// prefix.
func hasTeaserPrefix(lower []byte) bool {
	for _, p := range teaserPrefixes {
		if hasPrefix(lower, p) {
			return true
		}
	}
	return false
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

// isTeaserLabel: a heading, or a paragraph or div without links, whose
// whole text is a teaser prefix.
func isTeaserLabel(n *html.Node) bool {
	if !isHeading(n.DataAtom) && n.DataAtom != atom.P && n.DataAtom != atom.Div {
		return false
	}
	// The text first: it stops after a few words, while hasLink walks a
	// whole container that has no link.
	if !isTeaserHeading(n) {
		return false
	}
	return isHeading(n.DataAtom) || !hasLink(n)
}

// teaserHeadings are the whole texts of a teaser label, lower-cased,
// without trailing " :.…".
var teaserHeadings = map[string]bool{
	"related": true, "related stories": true, "related articles": true, "related coverage": true,
	"read more": true, "read also": true, "see also": true, "more on this story": true, "more on this": true,
	"you may also like": true, "recommended": true, "читайте также": true, "по теме": true,
	"смотрите также": true, "lesen sie auch": true, "mehr zum thema": true, "à lire aussi": true, "lire aussi": true,
}

// The longest teaser heading and ad label: a text longer than that (less
// its trailing punctuation) cannot be one.
var (
	teaserHeadingMaxLen = maxKeyLen(teaserHeadings)
	adLabelMaxLen       = maxKeyLen(adLabels)
	teaserPrefixMaxLen  = maxLen(teaserPrefixes)
)

func maxKeyLen(m map[string]bool) int {
	n := 0
	for k := range m {
		n = max(n, len(k))
	}
	return n
}

func maxLen(list []string) int {
	n := 0
	for _, s := range list {
		n = max(n, len(s))
	}
	return n
}

// isTeaserHeading: a heading that is only a teaser prefix ("Read more:",
// "Related", "Читайте также").
func isTeaserHeading(n *html.Node) bool {
	p := textProbe{limit: 100, trim: " :.…", maxLen: teaserHeadingMaxLen}
	p.walk(n)
	if p.stopped {
		return false
	}
	t, ok := p.trimmed()
	return ok && teaserHeadings[string(t)]
}

// teaserLinky: after its prefix, a teaser is mostly link text. lower is
// the head of the teaser's normText lower-cased (at least its prefix),
// runes the length of that text.
func teaserLinky(n *html.Node, lower []byte, runes int) bool {
	lt := linkTextLen(n)
	rest := runes
	for _, p := range teaserPrefixes {
		if hasPrefix(lower, p) {
			rest -= utf8.RuneCountInString(p)
			break
		}
	}
	if rest <= 0 {
		return true
	}
	return float64(lt) >= 0.5*float64(rest)
}

func hasLink(n *html.Node) bool {
	if n.DataAtom == atom.A {
		return true
	}
	return findFirst(n, atom.A) != nil
}

// linkTextRatio is the share of an element's text that sits in links.
func linkTextRatio(n *html.Node) float64 {
	total := utf8.RuneCountInString(normText(n, 4000))
	if total == 0 {
		return 0
	}
	return float64(linkTextLen(n)) / float64(total)
}

func linkTextLen(n *html.Node) int {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		return utf8.RuneCountInString(normText(n, 4000))
	}
	sum := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sum += linkTextLen(c)
	}
	return sum
}

// normText is n's text with whitespace collapsed, read up to about limit
// bytes (enough to classify, bounded on huge elements).
func normText(n *html.Node, limit int) string {
	var b strings.Builder
	var walk func(*html.Node)
	space := false
	walk = func(n *html.Node) {
		if b.Len() >= limit {
			return
		}
		switch n.Type {
		case html.TextNode:
			for _, r := range n.Data {
				if isSpaceRune(r) {
					space = true
					continue
				}
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
			}
		case html.ElementNode:
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
			if isBlockAtom(n.DataAtom) {
				space = true
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			if isBlockAtom(n.DataAtom) {
				space = true
			}
		}
	}
	walk(n)
	return b.String()
}

// textProbe reads an element's normText lower-cased, as far as a decision
// needs it: it stops (stopped) once the text, less trailing trim runes, is
// longer than maxLen and, for teaser, once it can no longer open with a
// teaser prefix within 400 bytes. What it reads is byte for byte
// strings.ToLower(normText(n, limit)), limit included: normText checks it
// only when entering a node, so the text may run past it. It keeps only
// the head of the text (what the decisions compare), so it needs no
// allocation.
type textProbe struct {
	limit   int
	trim    string // runes a decision trims from the end of the text
	maxLen  int
	teaser  bool // also read on while the text may be an inline teaser
	n       int  // bytes of normText so far (the limit counts them)
	runes   int  // runes of normText so far
	nlow    int  // bytes of the lower-cased text so far
	content int  // nlow less the trailing trim runes
	space   bool // a space is owed before the next rune
	prefix  int8 // teaser prefix: 0 unknown yet, 1 present, -1 absent
	stopped bool
	head    [probeHead]byte
}

// probeHead bounds what a probe keeps of the lower-cased text: more than
// the longest ad label, teaser heading and teaser prefix.
const probeHead = 64

// lower is the head of the lower-cased text read (all of it up to
// probeHead bytes).
func (p *textProbe) lower() []byte { return p.head[:min(p.nlow, probeHead)] }

// trimmed is the lower-cased text without its trailing trim runes, when
// that fits the head.
func (p *textProbe) trimmed() ([]byte, bool) {
	if p.content > probeHead {
		return nil, false
	}
	return p.head[:p.content], true
}

func (p *textProbe) walk(n *html.Node) {
	if p.stopped || p.n >= p.limit {
		return
	}
	switch n.Type {
	case html.TextNode:
		p.text(n.Data)
	case html.ElementNode:
		if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
			return
		}
		block := isBlockAtom(n.DataAtom)
		if block {
			p.space = true
		}
		for c := n.FirstChild; c != nil && !p.stopped; c = c.NextSibling {
			p.walk(c)
		}
		if block {
			p.space = true
		}
	}
}

func (p *textProbe) text(s string) {
	for i := 0; i < len(s) && !p.stopped; {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if isSpaceRune(r) {
			p.space = true
			continue
		}
		if p.space && p.n > 0 {
			p.add(' ')
		}
		p.space = false
		p.add(r)
	}
}

// add appends one rune of normText (an invalid byte is U+FFFD there, as
// strings.Builder.WriteRune writes it) and decides whether to stop.
func (p *textProbe) add(r rune) {
	p.n += utf8.RuneLen(r)
	p.runes++
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if p.nlow < probeHead {
			p.head[p.nlow] = byte(r)
		}
		p.nlow++
	} else {
		r = unicode.ToLower(r)
		var b [utf8.UTFMax]byte
		for _, c := range b[:utf8.EncodeRune(b[:], r)] {
			if p.nlow < probeHead {
				p.head[p.nlow] = c
			}
			p.nlow++
		}
	}
	if !p.inTrim(r) {
		p.content = p.nlow
	}
	if p.content <= p.maxLen {
		return
	}
	if p.teaser && p.n <= 400 {
		if p.prefix == 0 && p.nlow >= teaserPrefixMaxLen {
			p.prefix = -1
			if hasTeaserPrefix(p.lower()) {
				p.prefix = 1
			}
		}
		if p.prefix >= 0 {
			return
		}
	}
	p.stopped = true
}

// inTrim reports whether r (lower-cased) is one of the trailing runes a
// decision trims; lower-casing never moves a rune in or out of the set.
func (p *textProbe) inTrim(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte(p.trim, byte(r)) >= 0
	}
	return strings.ContainsRune(p.trim, r)
}

// textLen counts n's text bytes, stopping at limit.
func textLen(n *html.Node, limit int) int {
	total := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			total += len(strings.TrimSpace(n.Data))
			return total < limit
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(n)
	return total
}

// resolveLazyMedia rewrites lazy images in place before readability
// scores the page (it drops <noscript> and src-less images): each img gets
// its real src, and a <noscript> holding images is replaced by them.
func resolveLazyMedia(n *html.Node) {
	var next *html.Node
	for c := n.FirstChild; c != nil; c = next {
		next = c.NextSibling
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Img:
			var extra []srcsetCandidate
			if n.DataAtom == atom.Picture {
				extra = pictureSources(n)
			}
			if src := imageSource(c, extra); src != "" {
				setAttr(c, "src", src)
			}
			continue
		case atom.Noscript:
			var imgs []*html.Node
			collectImages(c, &imgs)
			for _, img := range imgs {
				img.Parent.RemoveChild(img)
				n.InsertBefore(img, c)
			}
			n.RemoveChild(c)
			continue
		}
		resolveLazyMedia(c)
	}
}

func collectImages(n *html.Node, out *[]*html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.Img || c.DataAtom == atom.Picture {
			*out = append(*out, c)
			continue
		}
		collectImages(c, out)
	}
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}
