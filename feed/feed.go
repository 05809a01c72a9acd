package feed

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// ErrNotFeed is wrapped by Parse's error when the document is not a feed at
// all (an HTML page, an empty body, plain text, JSON that is not a JSON Feed).
// Callers tell "the outlet moved its feed" from "a broken feed" with
// errors.Is(err, ErrNotFeed).
var ErrNotFeed = errors.New("not a feed")

// Options tell Parse what it cannot see in the bytes.
type Options struct {
	// BaseURL is the address the document was fetched from (after
	// redirects). Relative links resolve against xml:base first, then this.
	BaseURL string
	// ContentType is the HTTP Content-Type header, if any; its charset
	// parameter is one of the hints used to decode the document.
	ContentType string
}

// Feed is a parsed feed document, normalized over all formats.
type Feed struct {
	Format      string // "rss", "atom", "rdf" or "json"
	Title       string // plain text
	Link        string // absolute URL of the site
	FeedLink    string // absolute URL of the feed itself (rel=self, feed_url)
	Description string // plain text
	Language    string // as declared
	Updated     time.Time
	Authors     []string
	// TTL is the feed's own polling hint: <ttl>, or sy:updatePeriod divided
	// by sy:updateFrequency; 0 when the feed gives none.
	TTL     time.Duration
	Entries []Entry
}

// Entry is one item of a feed.
type Entry struct {
	// ID is the guid / id / rdf:about / JSON id as the feed gives it. When
	// the feed gives none it is the entry's Link, and when there is no link
	// either, "urn:crosswire:sha256:" followed by the first 16 bytes (hex) of
	// the SHA-256 of Title, Summary and Content, so the same text always gets
	// the same ID.
	ID        string
	Title     string // plain text
	Link      string // absolute URL
	Published time.Time
	Updated   time.Time
	Authors   []string // names only, never e-mail addresses
	// Categories are terms (Atom term, RSS category, dc:subject).
	Categories []string
	// Summary and Content are HTML, not yet sanitized. Text that was plain in
	// the feed (Atom type="text", JSON content_text) is already HTML-escaped.
	Summary string
	Content string
	// Base is the address relative URLs inside Summary and Content resolve
	// against: the effective xml:base of the content (else of the summary),
	// else the document URL.
	Base       string
	Enclosures []Enclosure
	// Image is the entry's picture when the feed names one (media:thumbnail,
	// an image media:content, itunes:image, JSON image).
	Image    string
	Language string
}

// Enclosure is an attached media file.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
}

// Parse reads one feed document: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0
// or JSON Feed 1.0/1.1, in any charset. It recovers from the usual breakage
// (undefined entities, stray '&', undeclared prefixes, truncation) and
// returns what it could read; a truncated document yields its complete
// entries. An error means nothing usable was found; it wraps ErrNotFeed when
// the document is not a feed at all.
func Parse(data []byte, opt Options) (*Feed, error) {
	utf8data, err := toUTF8(data, opt.ContentType)
	if err != nil {
		return nil, err
	}
	first := firstSignificant(utf8data)
	switch {
	case first < 0:
		return nil, fmt.Errorf("empty document: %w", ErrNotFeed)
	case utf8data[first] == '{':
		return parseJSON(utf8data[first:], opt)
	case utf8data[first] == '[':
		return nil, fmt.Errorf("a JSON array: %w", ErrNotFeed)
	}
	// XML, possibly after junk such as a PHP warning; a document without a
	// feed root element is rejected there.
	return parseXML(utf8data, opt)
}

// firstSignificant is the index of the first byte that is not whitespace,
// or -1.
func firstSignificant(b []byte) int {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', '\f':
		default:
			return i
		}
	}
	return -1
}

// feedError is the error for a document with no feed root element.
func feedError(root []byte) error {
	if len(root) == 0 {
		return fmt.Errorf("neither XML nor JSON: %w", ErrNotFeed)
	}
	if bytes.EqualFold(root, []byte("html")) {
		return fmt.Errorf("an HTML page: %w", ErrNotFeed)
	}
	return fmt.Errorf("root element <%s> is not rss, feed or rdf:RDF: %w", root, ErrNotFeed)
}
