package content

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Lazy-loading scripts keep the real image address in one of these; the
// first one that resolves wins. Order: the ones that name the full-size
// image before generic ones.
var lazySrcAttrs = []string{
	"data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
	"data-hi-res-src", "data-full-src", "data-actualsrc", "data-echo", "data-img-src",
}

var lazySrcsetAttrs = []string{"data-srcset", "data-lazy-srcset", "srcset"}

// placeholderNames are file names lazy loaders put in src until a script
// swaps the real image in.
var placeholderNames = []string{
	"placeholder", "blank.", "spacer.", "pixel.", "transparent.", "lazyload", "lazy-load", "lazy_", "loading.",
	"loader.", "1x1.", "grey.", "gray.", "empty.", "dummy.", "clear.gif", "trans.gif",
}

// trackerHosts serve invisible counting images (hosts matched with their
// subdomains).
var trackerHosts = []string{
	"feeds.feedburner.com", "feedproxy.google.com", "pixel.wp.com", "stats.wordpress.com",
	"google-analytics.com", "doubleclick.net", "googlesyndication.com", "scorecardresearch.com",
	"quantserve.com", "pixel.quantserve.com", "feedsportal.com", "pi.feedsportal.com",
	"counter.yadro.ru", "mc.yandex.ru", "top-fwz1.mail.ru", "tns-counter.ru",
	"bat.bing.com", "analytics.twitter.com", "facebook.com/tr", "pixel.facebook.com",
	"sb.scorecardresearch.com", "feeds.feedblitz.com", "assets.feedblitz.com",
	"medium.com/_/stat", "pixel.mathtag.com", "ad.doubleclick.net", "amazon-adsystem.com",
	"counter.rambler.ru", "top100.rambler.ru", "www.liveinternet.ru", "counter.livejournal.com",
	"t.co/i/adsct", "px.ads.linkedin.com", "sp.analytics.yahoo.com", "piwik.", "matomo.",
	"stats.g.doubleclick.net", "ssl.google-analytics.com", "www.googletagmanager.com",
}

// isTrackerURL reports whether an image URL is a known counting pixel.
func isTrackerURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	hp := host + u.EscapedPath()
	for _, t := range trackerHosts {
		if strings.Contains(t, "/") {
			if strings.HasPrefix(hp, t) || strings.HasPrefix(hp, "www."+t) {
				return true
			}
			continue
		}
		if strings.HasSuffix(t, ".") {
			if strings.HasPrefix(host, t) {
				return true
			}
			continue
		}
		if host == t || strings.HasSuffix(host, "."+t) {
			return true
		}
	}
	p := strings.ToLower(u.Path)
	return strings.Contains(p, "/pixel.gif") || strings.Contains(p, "/tracking/pixel") ||
		strings.HasSuffix(p, "/1x1.gif") || strings.Contains(p, "/beacon")
}

// isPlaceholder reports whether src is what a lazy loader shows before its
// script runs (a tiny inline GIF, a spacer file).
func isPlaceholder(src string) bool {
	if src == "" {
		return true
	}
	if len(src) > 5 && strings.EqualFold(src[:5], "data:") {
		// Real inline images are rare in articles; tiny ones are always
		// the 1x1 transparent GIF/PNG of a lazy loader.
		return len(src) < 256 || strings.HasPrefix(strings.ToLower(src[5:]), "image/svg")
	}
	name := src
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToLower(name)
	for _, p := range placeholderNames {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// attr returns the value of the named attribute of n.
func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name && a.Namespace == "" {
			return true
		}
	}
	return false
}

// dimension parses a width/height attribute ("640", "640px"); ok is false
// for anything else (percentages, garbage).
func dimension(v string) (int, bool) {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(v, "px")
	if v == "" || len(v) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int(v[i]-'0')
	}
	return n, true
}

// isPixelSized reports whether an img is declared at most 1px in some
// dimension (by attribute or inline style): invisible, so a tracker.
func isPixelSized(n *html.Node) bool {
	for _, k := range [...]string{"width", "height"} {
		if v := attr(n, k); v != "" {
			if d, ok := dimension(v); ok && d <= 1 {
				return true
			}
		}
	}
	if st := attr(n, "style"); st != "" {
		st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
		if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") ||
			strings.Contains(st, "width:1px") || strings.Contains(st, "height:1px") ||
			strings.Contains(st, "width:0") || strings.Contains(st, "height:0") {
			return true
		}
	}
	return false
}

// imageSource picks the real address of an img: the best srcset candidate
// when descriptors say which is larger, else a lazy-loader attribute, else
// src unless it is a placeholder, else a descriptor-less srcset. extra are
// candidates from a surrounding <picture>'s <source> elements.
func imageSource(n *html.Node, extra []srcsetCandidate) string {
	var cands []srcsetCandidate
	for _, k := range lazySrcsetAttrs {
		if v := attr(n, k); v != "" {
			cands = append(cands, parseSrcset(v)...)
			if len(cands) > 0 {
				break
			}
		}
	}
	cands = append(cands, extra...)
	best, bestScore := "", 0.0
	for _, c := range cands {
		if c.score > bestScore && !isPlaceholder(c.url) {
			best, bestScore = c.url, c.score
		}
	}
	if best != "" {
		return best
	}
	for _, k := range lazySrcAttrs {
		if v := strings.TrimSpace(attr(n, k)); v != "" && !isPlaceholder(v) {
			return v
		}
	}
	if v := strings.TrimSpace(attr(n, "src")); !isPlaceholder(v) {
		return v
	}
	for _, c := range cands {
		if !isPlaceholder(c.url) {
			return c.url
		}
	}
	return ""
}

// pictureSources collects the candidates of a <picture>'s <source>
// children, skipping formats an img may not take.
func pictureSources(pic *html.Node) []srcsetCandidate {
	var out []srcsetCandidate
	for c := pic.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.Data != "source" {
			continue
		}
		if t := strings.ToLower(attr(c, "type")); t != "" && !strings.HasPrefix(t, "image/") || t == "image/svg+xml" {
			continue
		}
		for _, k := range lazySrcsetAttrs {
			if v := attr(c, k); v != "" {
				out = append(out, parseSrcset(v)...)
				break
			}
		}
	}
	return out
}

// isLazy reports whether an img is wired to a lazy loader (its real
// source lives in an attribute a script reads).
func isLazy(n *html.Node) bool {
	for _, a := range n.Attr {
		if strings.HasPrefix(a.Key, "data-") && (strings.Contains(a.Key, "src") || a.Key == "data-original") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(attr(n, "class")), "lazy") || hasAttr(n, "srcset")
}
