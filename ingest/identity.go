package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"

	"crosswire/content"
)

// CanonicalURL strips tracking parameters (utm_*, fbclid, ...; the list
// lives in content, where links in article text get the same treatment) and
// the fragment, and lower-cases scheme and host. Unparseable input is
// returned trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(content.StripTracking(raw))
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

// Key is an article's stable identity within its source: the feed's own
// guid/id when it has one, else the canonical link, else a hash of the
// title and text. Re-polls, re-orderings and the same item in two feeds of
// one source therefore map to one key.
func Key(id, link, title, body string) string {
	if id = strings.TrimSpace(id); id != "" && id != strings.TrimSpace(link) {
		return "id:" + id
	}
	if link = CanonicalURL(link); link != "" {
		return "url:" + link
	}
	return "hash:" + digest(title, body)
}

// digest is a short, stable hash of the parts.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
