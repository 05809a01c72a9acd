package content

import (
	"net/url"
	"strings"

	"crosswire"
)

// urlKind says where a URL is used, which decides the schemes it may carry.
type urlKind int

const (
	urlLink  urlKind = iota // a[href]: http, https, mailto
	urlMedia                // audio/video/source[src], poster, cite: http, https
	urlImage                // img[src]: http, https, raster data:image
)

// maxDataImage caps an inline data:image so one article cannot bloat every
// output feed that carries it.
const maxDataImage = 64 << 10

// cleanURLString drops what browsers ignore inside a URL (tab, CR, LF
// anywhere; C0 controls and spaces at the ends) so "java\tscript:" is seen
// for what a browser would make of it.
func cleanURLString(raw string) string {
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(raw, "\t\r\n") {
		raw = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, raw)
	}
	return raw
}

// resolveURL makes raw absolute against base, checks its scheme for kind,
// applies rewrites and strips tracking parameters. ok is false when the URL
// must not be emitted at all.
func resolveURL(raw string, base *url.URL, kind urlKind, rewrites []crosswire.LinkRewrite) (string, bool) {
	raw = cleanURLString(raw)
	if raw == "" {
		return "", false
	}
	if kind == urlImage && len(raw) > 5 && strings.EqualFold(raw[:5], "data:") {
		return checkDataImage(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if u.Scheme == "" && base != nil {
		u = base.ResolveReference(u)
	}
	for _, rw := range rewrites {
		if rw.From == "" {
			continue
		}
		if s := u.String(); strings.HasPrefix(s, rw.From) {
			nu, err := url.Parse(rw.To + s[len(rw.From):])
			if err != nil {
				return "", false
			}
			u = nu
			break
		}
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if kind != urlLink {
			return "", false
		}
		return u.String(), true
	case "":
		// Relative with no base to resolve against: harmless (no scheme),
		// kept as written so the caller's page resolves it.
		if u.Opaque != "" {
			return "", false
		}
	default:
		return "", false
	}
	if u.RawQuery != "" {
		u.RawQuery = stripTracking(u.RawQuery)
	}
	if u.Fragment != "" && strings.HasPrefix(u.Fragment, "utm_") {
		u.Fragment = ""
	}
	return u.String(), true
}

// checkDataImage accepts base64 raster images only: an SVG can carry script
// when opened on its own, and anything else in an img is nonsense.
func checkDataImage(raw string) (string, bool) {
	if len(raw) > maxDataImage {
		return "", false
	}
	comma := strings.IndexByte(raw, ',')
	if comma < 0 {
		return "", false
	}
	head := strings.ToLower(raw[5:comma])
	switch head {
	case "image/png;base64", "image/gif;base64", "image/jpeg;base64", "image/jpg;base64", "image/webp;base64", "image/avif;base64":
	default:
		return "", false
	}
	for i := comma + 1; i < len(raw); i++ {
		c := raw[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return "", false
		}
	}
	return "data:" + head + raw[comma:], true
}

// trackingParam reports whether a query key only serves click tracking.
func trackingParam(key string) bool {
	if len(key) > 4 && strings.EqualFold(key[:4], "utm_") {
		return true
	}
	switch strings.ToLower(key) {
	case "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
		"yclid", "ysclid", "_hsenc", "_hsmi", "igshid", "twclid", "ttclid", "li_fat_id",
		"oly_anon_id", "oly_enc_id", "vero_id", "_openstat", "wickedid", "rb_clickid", "s_cid", "ref_src":
		return true
	}
	return false
}

// stripTracking removes tracking parameters from a raw query, keeping the
// others byte for byte and in order (url.Values would re-encode and sort,
// which changes links needlessly).
func stripTracking(q string) string {
	if !strings.Contains(q, "=") && !strings.Contains(q, "clid") {
		return q
	}
	var b strings.Builder
	changed := false
	for part := range strings.SplitSeq(q, "&") {
		key := part
		if i := strings.IndexByte(part, '='); i >= 0 {
			key = part[:i]
		}
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if trackingParam(key) || part == "" {
			changed = true
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(part)
	}
	if !changed {
		return q
	}
	return b.String()
}

// StripTracking returns link without tracking parameters (utm_*, fbclid,
// gclid, ...). Other parameters keep their order and encoding. A link that
// does not parse is returned unchanged.
func StripTracking(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.RawQuery == "" {
		return link
	}
	u.RawQuery = stripTracking(u.RawQuery)
	return u.String()
}

// srcsetCandidate is one entry of a srcset attribute.
type srcsetCandidate struct {
	url   string
	score float64 // width in px, or density*1000; 0 without descriptor
}

// parseSrcset splits a srcset the way the HTML spec does: a URL runs to the
// next whitespace (so commas inside it, as image CDNs use, survive) and a
// trailing comma ends a candidate without descriptors.
func parseSrcset(s string) []srcsetCandidate {
	var out []srcsetCandidate
	i := 0
	for i < len(s) {
		for i < len(s) && (isHTMLSpace(s[i]) || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		for i < len(s) && !isHTMLSpace(s[i]) {
			i++
		}
		u := s[start:i]
		desc := ""
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			ds := i
			for i < len(s) && s[i] != ',' {
				i++
			}
			desc = strings.TrimSpace(s[ds:i])
		}
		if u == "" {
			continue
		}
		c := srcsetCandidate{url: u}
		for d := range strings.FieldsSeq(desc) {
			if len(d) < 2 {
				continue
			}
			n, ok := parseDecimal(d[:len(d)-1])
			if !ok {
				continue
			}
			switch d[len(d)-1] {
			case 'w', 'W':
				c.score = n
			case 'x', 'X':
				if c.score == 0 {
					c.score = n * 1000
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func parseDecimal(s string) (float64, bool) {
	var n, frac float64
	seenDot := false
	scale := 1.0
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if seenDot {
				scale /= 10
				frac += float64(c-'0') * scale
			} else {
				n = n*10 + float64(c-'0')
			}
		case c == '.' && !seenDot:
			seenDot = true
		default:
			return 0, false
		}
	}
	return n + frac, true
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
