package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// not a page. Removing them makes one article one URL.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "yclid": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "_ga": true, "_gl": true, "ref_src": true,
	"oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "wt_mc": true, "cmpid": true,
}

// CanonicalURL strips tracking parameters (utm_*, fbclid, ...) and the
// fragment, and lower-cases scheme and host. Unparseable input is returned
// trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	u.RawFragment = ""
	if u.RawQuery != "" {
		kept := make([]string, 0, 4)
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k := kv
			if i := strings.IndexByte(kv, '='); i >= 0 {
				k = kv[:i]
			}
			lk := strings.ToLower(k)
			if kv == "" || strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				continue
			}
			kept = append(kept, kv)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
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
