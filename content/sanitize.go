package content

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"crosswire"
)

// LinkRel is added to every link in sanitized content. nofollow: the hub
// republishes third-party text and does not vouch for its links (search
// engines would otherwise credit the hub's rank to them); noopener and
// noreferrer: a reader's click neither hands the outlet a handle on the
// hub's window nor tells it which hub page the reader came from.
const LinkRel = "nofollow noopener noreferrer"

// Sanitize returns fragment as safe, well-formed HTML for a page or an
// output feed. It keeps an allowlist of text-structure elements (see
// rules) and drops everything that runs code or loads active content:
// scripts, styles, event handlers, frames, forms, comments, javascript:
// and other non-web URLs. In the same pass it makes relative URLs absolute
// against base (which may be nil), turns lazy-loaded and <picture> images
// into plain <img src>, drops tracking pixels and tracking parameters, and
// normalizes whitespace.
//
// The output is also well-formed XML (void elements self-closed, only the
// XML entities, no characters XML forbids), so a feed writer may embed it
// either escaped or as XHTML. Sanitize(Sanitize(x)) == Sanitize(x).
func Sanitize(fragment string, base *url.URL) string {
	return SanitizeWith(fragment, base, Options{})
}

// Options adjusts a sanitizer run for one source.
type Options struct {
	// RewriteLinks replaces URL prefixes in href and src after they are
	// made absolute (an outlet's mirror domains).
	RewriteLinks []crosswire.LinkRewrite
}

// SanitizeWith is Sanitize with per-source options.
func SanitizeWith(fragment string, base *url.URL, opts Options) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	nodes, err := parseFragment(fragment)
	if err != nil {
		// The tokenizer only fails on reader errors; a strings.Reader has
		// none, so this is unreachable, but never fall back to the input.
		return ""
	}
	s := newSanitizer(base, opts, len(fragment))
	for _, n := range nodes {
		s.node(n)
	}
	return s.result()
}

// sanitizeNodes sanitizes already parsed nodes (Extract has a tree).
func sanitizeNodes(nodes []*html.Node, base *url.URL, opts Options) string {
	s := newSanitizer(base, opts, 4096)
	for _, n := range nodes {
		s.node(n)
	}
	return s.result()
}

// parseFragment parses HTML as the content of a <body>. Scripting is off
// so <noscript> content is parsed as markup: its images are the fallback
// of lazy loaders.
func parseFragment(fragment string) ([]*html.Node, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	return html.ParseFragmentWithOptions(strings.NewReader(fragment), ctx, html.ParseOptionEnableScripting(false))
}

type sanitizer struct {
	base *url.URL
	opts Options
	buf  []byte

	// Whitespace is written lazily: a run of it becomes pending and is
	// written only before the next inline content, so none ever sits
	// next to a block boundary and the output is stable on a re-run.
	pending rune // 0, ' ' or a no-break space to write before the next content
	atStart bool // at a block boundary: leading whitespace is dropped
	pre     int  // inside <pre>: whitespace is kept as is

	seenImg map[string]bool
	inFrame bool // sanitizing an iframe's fallback content
}

func newSanitizer(base *url.URL, opts Options, size int) *sanitizer {
	return &sanitizer{base: base, opts: opts, buf: make([]byte, 0, size+size/8), atStart: true}
}

func (s *sanitizer) result() string {
	b := s.buf
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return string(b)
}

// boundary marks a block edge: pending whitespace is dropped.
func (s *sanitizer) boundary() {
	s.pending = 0
	s.atStart = true
}

// flush writes pending whitespace before inline content.
func (s *sanitizer) flush() {
	if s.pending != 0 && !s.atStart {
		s.buf = utf8.AppendRune(s.buf, s.pending)
	}
	s.pending = 0
	s.atStart = false
}

type mark struct {
	n       int
	pending rune
	atStart bool
}

func (s *sanitizer) mark() mark { return mark{len(s.buf), s.pending, s.atStart} }

// dropEmpty undoes an element that turned out to have no content. A
// dropped block still separates its neighbours by a space so their words
// are not glued together.
func (s *sanitizer) dropEmpty(m mark, block bool, innerPending rune) {
	s.buf = s.buf[:m.n]
	s.atStart = m.atStart
	s.pending = m.pending
	if block || innerPending != 0 {
		if s.pending == 0 {
			s.pending = ' '
		}
	}
}

func (s *sanitizer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s.node(c)
	}
}

func (s *sanitizer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		s.text(n.Data)
	case html.ElementNode:
		s.element(n)
	case html.DocumentNode:
		s.children(n)
	}
	// Comments, doctypes and raw nodes are dropped: a comment is where
	// "<!-- <script> -->" tricks and conditional comments live.
}

func (s *sanitizer) element(n *html.Node) {
	if n.Namespace != "" { // svg, math: foreign content can carry script
		return
	}
	r, ok := rules[n.DataAtom]
	if !ok {
		s.children(n)
		return
	}
	switch r.kind {
	case kDrop:
	case kUnwrap:
		s.children(n)
	case kBlock, kInline:
		s.container(n, r, nil)
	case kVoid:
		s.void(r)
	case kSpecial:
		switch n.DataAtom {
		case atom.A:
			s.link(n)
		case atom.Img:
			s.img(n, nil)
		case atom.Picture:
			s.picture(n)
		case atom.Video, atom.Audio:
			s.media(n)
		case atom.Noscript:
			s.noscript(n)
		case atom.Iframe:
			s.iframe(n)
		}
	}
}

// container writes an allowed element with its filtered attributes and
// content, or nothing when it ends up empty.
func (s *sanitizer) container(n *html.Node, r elemRule, extra []html.Attribute) {
	block := r.kind == kBlock && s.pre == 0
	m := s.mark()
	if block {
		s.boundary()
	} else {
		s.flush()
	}
	s.openTag(r.name)
	for _, a := range extra {
		s.writeAttr(a.Key, a.Val)
	}
	s.filteredAttrs(n, r.attrs)
	s.buf = append(s.buf, '>')
	bodyStart := len(s.buf)
	isPre := r.name == "pre"
	if isPre {
		s.pre++
	}
	s.children(n)
	if isPre {
		s.pre--
		// A parser eats one newline right after <pre>: when the content
		// starts with one, write another so a re-parse keeps it.
		if len(s.buf) > bodyStart && s.buf[bodyStart] == '\n' {
			s.buf = append(s.buf, 0)
			copy(s.buf[bodyStart+1:], s.buf[bodyStart:])
			s.buf[bodyStart] = '\n'
		}
	}
	innerPending := s.pending
	if block {
		s.boundary()
	}
	if !r.keepEmpty && onlyBreaks(s.buf[bodyStart:]) {
		s.dropEmpty(m, block, innerPending)
		return
	}
	s.buf = append(s.buf, '<', '/')
	s.buf = append(s.buf, r.name...)
	s.buf = append(s.buf, '>')
	if block {
		s.buf = append(s.buf, '\n')
	}
}

// onlyBreaks reports whether b holds nothing but <br/> tags and newlines.
func onlyBreaks(b []byte) bool {
	for len(b) > 0 {
		switch {
		case b[0] == '\n':
			b = b[1:]
		case len(b) >= 5 && string(b[:5]) == "<br/>":
			b = b[5:]
		default:
			return false
		}
	}
	return true
}

func (s *sanitizer) void(r elemRule) {
	switch r.name {
	case "br":
		if s.pre > 0 {
			s.buf = append(s.buf, "<br/>"...)
			return
		}
		s.pending = 0
		s.buf = append(s.buf, "<br/>"...)
		s.atStart = true
	case "hr":
		s.boundary()
		s.buf = append(s.buf, "<hr/>\n"...)
	case "wbr":
		s.flush()
		s.buf = append(s.buf, "<wbr/>"...)
	}
}

func (s *sanitizer) openTag(name string) {
	s.buf = append(s.buf, '<')
	s.buf = append(s.buf, name...)
}

// filteredAttrs writes the attributes an element may keep.
func (s *sanitizer) filteredAttrs(n *html.Node, groups uint8) {
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "lang":
			if validLang(a.Val) {
				s.writeAttr("lang", a.Val)
			}
		case "dir":
			if v := strings.ToLower(strings.TrimSpace(a.Val)); v == "ltr" || v == "rtl" || v == "auto" {
				s.writeAttr("dir", v)
			}
		case "cite":
			if groups&attrCite != 0 {
				if u, ok := resolveURL(a.Val, s.base, urlMedia, s.opts.RewriteLinks); ok {
					s.writeAttr("cite", u)
				}
			}
		case "datetime":
			if groups&attrDatetime != 0 && len(a.Val) <= 64 {
				s.writeAttr("datetime", collapseSpace(a.Val))
			}
		case "title":
			if groups&attrTitle != 0 {
				if v := collapseSpace(a.Val); v != "" {
					s.writeAttr("title", v)
				}
			}
		case "colspan", "rowspan":
			if groups&attrSpan != 0 {
				if d, ok := dimension(a.Val); ok && d >= 1 && d <= 1000 && !strings.Contains(a.Val, "px") {
					s.writeAttr(a.Key, itoa(d))
				}
			}
		case "start":
			if groups&attrStart != 0 {
				if d, ok := dimension(a.Val); ok && !strings.Contains(a.Val, "px") {
					s.writeAttr("start", itoa(d))
				}
			}
		case "reversed":
			if groups&attrStart != 0 {
				s.writeAttr("reversed", "reversed")
			}
		}
	}
}

func validLang(v string) bool {
	if v == "" || len(v) > 35 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func itoa(d int) string {
	if d == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for d > 0 {
		i--
		b[i] = byte('0' + d%10)
		d /= 10
	}
	return string(b[i:])
}

// link keeps <a href> with a safe, absolute URL; a link without one is
// unwrapped so its text stays.
func (s *sanitizer) link(n *html.Node) {
	href, ok := resolveURL(attr(n, "href"), s.base, urlLink, s.opts.RewriteLinks)
	if !ok {
		s.children(n)
		return
	}
	extra := []html.Attribute{{Key: "href", Val: href}}
	if t := collapseSpace(attr(n, "title")); t != "" {
		extra = append(extra, html.Attribute{Key: "title", Val: t})
	}
	extra = append(extra, html.Attribute{Key: "rel", Val: LinkRel})
	s.container(n, elemRule{kind: kInline, name: "a"}, extra)
}

// img writes an image with its real source, or nothing for trackers,
// placeholders and images already shown (a lazy image and its <noscript>
// fallback are one image).
func (s *sanitizer) img(n *html.Node, extra []srcsetCandidate) {
	if isPixelSized(n) {
		return
	}
	src := imageSource(n, extra)
	if src == "" {
		// An image that never had a source keeps its alt text (a feed's
		// <img alt="..."/>); a lazy one whose source is only a
		// placeholder is dropped, its <noscript> twin stands for it.
		if alt := collapseSpace(attr(n, "alt")); alt != "" && len(extra) == 0 && !hasAttr(n, "src") && !isLazy(n) {
			s.flush()
			s.openTag("img")
			s.writeAttr("alt", alt)
			s.buf = append(s.buf, '/', '>')
		}
		return
	}
	u, ok := resolveURL(src, s.base, urlImage, s.opts.RewriteLinks)
	if !ok || isTrackerURL(u) {
		return
	}
	if s.seenImg[u] {
		return
	}
	if s.seenImg == nil {
		s.seenImg = make(map[string]bool)
	}
	s.seenImg[u] = true
	s.flush()
	s.openTag("img")
	s.writeAttr("src", u)
	if v := collapseSpace(attr(n, "alt")); v != "" {
		s.writeAttr("alt", v)
	}
	if v := collapseSpace(attr(n, "title")); v != "" {
		s.writeAttr("title", v)
	}
	for _, k := range [...]string{"width", "height"} {
		if d, ok := dimension(attr(n, k)); ok && d > 0 {
			s.writeAttr(k, itoa(d))
		}
	}
	s.buf = append(s.buf, '/', '>')
}

// picture becomes one <img>: its own img's source, or the largest
// candidate of its <source> elements.
func (s *sanitizer) picture(n *html.Node) {
	extra := pictureSources(n)
	if img := findFirst(n, atom.Img); img != nil {
		s.img(img, extra)
		return
	}
	if len(extra) > 0 {
		s.img(&html.Node{Type: html.ElementNode, Data: "img", DataAtom: atom.Img}, extra)
	}
}

func findFirst(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == a {
			return c
		}
		if f := findFirst(c, a); f != nil {
			return f
		}
	}
	return nil
}

// noscript contributes only its images: it is the fallback lazy loaders
// leave for script-less readers; its text is "please enable JavaScript".
func (s *sanitizer) noscript(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Img:
			s.img(c, nil)
		case atom.Picture:
			s.picture(c)
		default:
			s.noscript(c)
		}
	}
}

// media keeps audio/video with http(s) sources, always with controls (no
// autoplay: the reader starts it).
func (s *sanitizer) media(n *html.Node) {
	src := attr(n, "src")
	if src == "" {
		src = attr(n, "data-src")
	}
	mainSrc, hasMain := "", false
	if src != "" {
		mainSrc, hasMain = resolveURL(src, s.base, urlMedia, s.opts.RewriteLinks)
	}
	type source struct{ src, typ string }
	var sources []source
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Source {
			continue
		}
		if u, ok := resolveURL(attr(c, "src"), s.base, urlMedia, s.opts.RewriteLinks); ok {
			sources = append(sources, source{u, mimeType(attr(c, "type"))})
		}
	}
	if !hasMain && len(sources) == 0 {
		return
	}
	name := n.Data
	s.boundary()
	s.openTag(name)
	if hasMain {
		s.writeAttr("src", mainSrc)
	}
	s.writeAttr("controls", "controls")
	if name == "video" {
		if p, ok := resolveURL(attr(n, "poster"), s.base, urlImage, s.opts.RewriteLinks); ok {
			s.writeAttr("poster", p)
		}
		for _, k := range [...]string{"width", "height"} {
			if d, ok := dimension(attr(n, k)); ok && d > 0 {
				s.writeAttr(k, itoa(d))
			}
		}
	}
	s.buf = append(s.buf, '>')
	for _, src := range sources {
		s.openTag("source")
		s.writeAttr("src", src.src)
		if src.typ != "" {
			s.writeAttr("type", src.typ)
		}
		s.buf = append(s.buf, '/', '>')
	}
	s.buf = append(s.buf, "</"...)
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, ">\n"...)
	s.boundary()
}

// mimeType keeps a plain "type/subtype" and drops codecs parameters and
// anything odd.
func mimeType(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if len(v) > 64 || strings.Count(v, "/") != 1 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '+' || c == '.') {
			return ""
		}
	}
	return v
}

// iframe is dropped, except that an embedded video of a known platform
// becomes a plain link to it, so the reader can still watch it. Its
// content (raw text to an HTML5 parser) is the fallback older browsers
// showed instead of the frame; it is parsed as markup and sanitized like
// the rest, one level deep so nested frames cannot make parsing quadratic.
func (s *sanitizer) iframe(n *html.Node) {
	src := attr(n, "src")
	if src == "" {
		src = attr(n, "data-src")
	}
	watch := ""
	if u, ok := resolveURL(src, s.base, urlMedia, nil); ok {
		watch = videoPageURL(u)
	}
	if watch == "" {
		if s.inFrame || n.FirstChild == nil {
			return
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		if strings.TrimSpace(b.String()) == "" {
			return
		}
		nodes, err := parseFragment(b.String())
		if err != nil {
			return
		}
		s.inFrame = true
		for _, c := range nodes {
			s.node(c)
		}
		s.inFrame = false
		return
	}
	s.flush()
	s.openTag("a")
	s.writeAttr("href", watch)
	s.writeAttr("rel", LinkRel)
	s.buf = append(s.buf, '>')
	s.writeText(watch)
	s.buf = append(s.buf, "</a>"...)
}

// videoPageURL maps an embed player URL to the video's own page.
func videoPageURL(embed string) string {
	u, err := url.Parse(embed)
	if err != nil {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	p := strings.Trim(u.Path, "/")
	parts := strings.Split(p, "/")
	last := parts[len(parts)-1]
	if last == "" || strings.ContainsAny(last, "?#&") {
		return ""
	}
	switch {
	case (host == "youtube.com" || host == "youtube-nocookie.com") && len(parts) == 2 && parts[0] == "embed":
		return "https://www.youtube.com/watch?v=" + url.QueryEscape(last)
	case host == "player.vimeo.com" && len(parts) == 2 && parts[0] == "video":
		return "https://vimeo.com/" + url.PathEscape(last)
	case host == "dailymotion.com" && len(parts) == 3 && parts[0] == "embed" && parts[1] == "video":
		return "https://www.dailymotion.com/video/" + url.PathEscape(last)
	case host == "rutube.ru" && len(parts) == 3 && parts[0] == "play" && parts[1] == "embed":
		return "https://rutube.ru/video/" + url.PathEscape(last) + "/"
	}
	return ""
}

// text writes a text node with collapsed whitespace (kept as is in pre).
func (s *sanitizer) text(t string) {
	if s.pre > 0 {
		s.atStart = false
		s.pending = 0
		s.writeText(t)
		return
	}
	for i := 0; i < len(t); {
		j, n, last := spaceRun(t, i)
		if n > 0 {
			// A lone no-break space stays one (it binds "10 km",
			// "«\u00a0quote"); any longer run is a plain space.
			if n == 1 && (last == '\u00a0' || last == '\u202f') {
				if s.pending == 0 {
					s.pending = last
				}
			} else {
				s.pending = ' '
			}
			i = j
			continue
		}
		j = wordEnd(t, i)
		if word := t[i:j]; hasVisible(word) {
			s.flush()
			s.writeText(word)
		}
		i = j
	}
}

// asciiSpace marks the ASCII whitespace bytes HTML collapses.
var asciiSpace = [128]bool{' ': true, '\t': true, '\n': true, '\r': true, '\f': true}

// spaceRun measures the whitespace starting at t[i]: its end, how many
// characters it has and the last one.
func spaceRun(t string, i int) (end, n int, last rune) {
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			n++
			last = rune(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if !isSpaceRune(r) {
			break
		}
		n++
		last = r
		i += size
	}
	return i, n, last
}

// wordEnd returns where the non-space run starting at t[i] ends.
func wordEnd(t string, i int) int {
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if isSpaceRune(r) {
			break
		}
		i += size
	}
	return i
}

// hasVisible reports whether a word holds something besides characters the
// output drops (zero-width spaces, controls).
func hasVisible(w string) bool {
	if w != "" && w[0] > ' ' && w[0] < 0x7f {
		return true
	}
	for _, r := range w {
		if keepRune(r) && r != '\u200b' && r != '\ufeff' {
			return true
		}
	}
	return false
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f':
		return true
	}
	return r >= '\u2000' && r <= '\u200a'
}

// keepRune reports whether r may appear in the output: XML 1.0 forbids
// most C0 controls and U+FFFE/U+FFFF; C1 controls and BOMs are noise.
func keepRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff, r == 0xfeff, r == 0x200b:
		return false
	}
	return true
}

// writeText appends escaped text.
func (s *sanitizer) writeText(t string) {
	s.buf = appendEscaped(s.buf, t, false)
}

func (s *sanitizer) writeAttr(key, val string) {
	s.buf = append(s.buf, ' ')
	s.buf = append(s.buf, key...)
	s.buf = append(s.buf, '=', '"')
	s.buf = appendEscaped(s.buf, val, true)
	s.buf = append(s.buf, '"')
}

// appendEscaped escapes for HTML and XML alike: &amp; &lt; &gt; &quot;
// only, never an HTML-only named entity.
func appendEscaped(b []byte, t string, inAttr bool) []byte {
	last := 0
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '"' && inAttr:
				esc = "&quot;"
			case !keepRune(rune(c)):
				esc = ""
			default:
				i++
				continue
			}
			b = append(b, t[last:i]...)
			b = append(b, esc...)
			i++
			last = i
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, t[last:i]...)
			b = append(b, "\ufffd"...)
			i++
			last = i
			continue
		}
		if !keepRune(r) {
			b = append(b, t[last:i]...)
			i += size
			last = i
			continue
		}
		i += size
	}
	return append(b, t[last:]...)
}

// collapseSpace trims an attribute value and collapses its whitespace.
func collapseSpace(v string) string {
	if v == "" {
		return ""
	}
	return strings.Join(strings.FieldsFunc(v, isSpaceRune), " ")
}
