package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// entryBuilder gathers an entry's elements as they come; build turns them
// into an Entry, applying fallbacks in a fixed order of preference rather
// than in document order.
type entryBuilder struct {
	id       string
	guid     string
	guidPerm bool // the RSS guid may serve as the link
	atomID   string

	title, altTitle     construct
	summary, altSummary construct
	content             construct

	link, altLink string
	linkHTML      bool // link came from an Atom alternate of type text/html

	published, altPublished time.Time
	updated                 time.Time

	authors, altAuthors []string
	categories          []string
	enclosures          []Enclosure

	thumb, mediaImage, itunesImage string

	base, lang string
}

func (p *parser) build(e *entryBuilder) Entry {
	out := Entry{
		Link:       e.link,
		Published:  e.published,
		Updated:    e.updated,
		Authors:    e.authors,
		Categories: e.categories,
		Enclosures: e.enclosures,
		Language:   e.lang,
		Base:       e.base,
	}
	if e.title.set {
		out.Title = p.plain(e.title)
	}
	if out.Title == "" && e.altTitle.set {
		out.Title = p.plain(e.altTitle)
	}
	if e.summary.set {
		out.Summary = strings.TrimSpace(p.html(e.summary))
	}
	if out.Summary == "" && e.altSummary.set {
		out.Summary = strings.TrimSpace(p.html(e.altSummary))
	}
	if e.content.set {
		out.Content = strings.TrimSpace(p.html(e.content))
	}
	switch {
	case e.content.set && out.Content != "":
		out.Base = baseOr(e.content.sp.base, e.base)
	case e.summary.set:
		out.Base = baseOr(e.summary.sp.base, e.base)
	}
	if out.Link == "" {
		out.Link = e.altLink
	}
	if out.Link == "" && e.guidPerm && isWebURL(e.guid) {
		out.Link = e.guid
	}
	if out.Published.IsZero() {
		out.Published = e.altPublished
	}
	if len(out.Authors) == 0 {
		out.Authors = e.altAuthors
	}
	out.Image = firstNonEmpty(e.thumb, e.mediaImage, e.itunesImage)
	if out.Image == "" {
		for _, enc := range e.enclosures {
			if strings.HasPrefix(enc.Type, "image/") {
				out.Image = enc.URL
				break
			}
		}
	}
	out.ID = firstNonEmpty(e.guid, e.atomID, e.id)
	if out.ID == "" {
		out.ID = fallbackID(out)
	}
	return out
}

// fallbackID is the identity of an entry that has no guid/id: its link,
// else a digest of its text.
func fallbackID(e Entry) string {
	if e.Link != "" {
		return e.Link
	}
	h := sha256.New()
	h.Write([]byte(e.Title))
	h.Write([]byte{0})
	h.Write([]byte(e.Summary))
	h.Write([]byte{0})
	h.Write([]byte(e.Content))
	return "urn:crosswire:sha256:" + hex.EncodeToString(h.Sum(nil)[:16])
}

func baseOr(b, def string) string {
	if b != "" {
		return b
	}
	return def
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func isWebURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func appendUnique(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// personName extracts a display name from the ways feeds write people:
// "Name", "email (Name)", "Name (email)", "Name <email>", "mailto:email".
// A bare e-mail address gives "": names only, never addresses.
func personName(s string) string {
	s = collapse(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		outer := strings.TrimSpace(s[:i])
		inner := strings.TrimSpace(s[i+1 : len(s)-1])
		switch {
		case isEmail(outer) && inner != "":
			return inner
		case isEmail(inner) && outer != "":
			return outer
		}
	}
	if i := strings.IndexByte(s, '<'); i > 0 && strings.HasSuffix(s, ">") && isEmail(s[i+1:len(s)-1]) {
		return strings.Trim(strings.TrimSpace(s[:i]), `"`)
	}
	if isEmail(strings.TrimPrefix(s, "mailto:")) {
		return ""
	}
	return s
}

func isEmail(s string) bool {
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && strings.IndexAny(s, " \t") < 0
}

func parseLength(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// updatePeriod turns sy:updatePeriod and sy:updateFrequency into an
// interval.
func updatePeriod(period string, freq int) time.Duration {
	var d time.Duration
	switch strings.ToLower(strings.TrimSpace(period)) {
	case "hourly":
		d = time.Hour
	case "daily":
		d = 24 * time.Hour
	case "weekly":
		d = 7 * 24 * time.Hour
	case "monthly":
		d = 30 * 24 * time.Hour
	case "yearly":
		d = 365 * 24 * time.Hour
	default:
		return 0
	}
	if freq > 1 {
		d /= time.Duration(freq)
	}
	return d
}
