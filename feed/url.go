package feed

import (
	"net/url"
	"strings"
)

// urlCache resolves references against a handful of bases, parsing each
// base once per document.
type urlCache struct {
	doc     string // the document's own address (Options.BaseURL)
	lastRaw string
	last    *url.URL
}

// resolve makes ref absolute against base (an xml:base in effect, itself
// already resolved against the document address). A ref that is already
// absolute, or that cannot be resolved, is returned as written.
func (c *urlCache) resolve(ref, base string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || hasScheme(ref) {
		return ref
	}
	if base == "" {
		base = c.doc
	}
	if base == "" {
		return ref
	}
	b := c.parse(base)
	if b == nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

func (c *urlCache) parse(base string) *url.URL {
	if c.last != nil && c.lastRaw == base {
		return c.last
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil
	}
	c.lastRaw, c.last = base, u
	return u
}

// hasScheme reports whether ref starts with "scheme:" (RFC 3986).
func hasScheme(ref string) bool {
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') && i > 0:
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}
