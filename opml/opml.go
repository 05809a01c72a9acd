// Package opml reads and writes OPML 2.0 subscription lists, the format
// feed readers exchange. Outlet profile fields that OPML has no element for
// (ownership, country, ...) travel as attributes in crosswire's namespace,
// which other readers ignore.
package opml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Namespace of crosswire's own outline attributes.
const Namespace = "https://crosswire.dev/ns/opml/1"

// Outlet is one source with its feeds as OPML carries it.
type Outlet struct {
	Name        string
	Homepage    string
	Slug        string
	Country     string
	Ownership   string
	Language    string
	Perspective string
	Feeds       []Feed
}

// Feed is one subscription.
type Feed struct {
	Title string
	URL   string
}

type document struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	NS      string    `xml:"xmlns:crosswire,attr,omitempty"`
	Title   string    `xml:"head>title"`
	Created string    `xml:"head>dateCreated,omitempty"`
	Body    []outline `xml:"body>outline"`
}

type outline struct {
	Text        string    `xml:"text,attr"`
	Title       string    `xml:"title,attr,omitempty"`
	Type        string    `xml:"type,attr,omitempty"`
	XMLURL      string    `xml:"xmlUrl,attr,omitempty"`
	HTMLURL     string    `xml:"htmlUrl,attr,omitempty"`
	Slug        string    `xml:"https://crosswire.dev/ns/opml/1 slug,attr,omitempty"`
	Country     string    `xml:"https://crosswire.dev/ns/opml/1 country,attr,omitempty"`
	Ownership   string    `xml:"https://crosswire.dev/ns/opml/1 ownership,attr,omitempty"`
	Language    string    `xml:"https://crosswire.dev/ns/opml/1 language,attr,omitempty"`
	Perspective string    `xml:"https://crosswire.dev/ns/opml/1 perspective,attr,omitempty"`
	Children    []outline `xml:"outline"`
}

// Read parses an OPML document. An outline with children is an outlet and
// its children its feeds; a top-level outline with an xmlUrl is an outlet
// with one feed. Folders (outlines without xmlUrl whose children are
// folders or feeds of different sites) are flattened: each feed whose
// parent is not an outlet becomes its own outlet.
func Read(r io.Reader) ([]Outlet, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("read opml: %w", err)
	}
	var out []Outlet
	var walk func(o outline)
	walk = func(o outline) {
		switch {
		case o.XMLURL != "":
			out = append(out, outletOf(o, []Feed{{Title: name(o), URL: o.XMLURL}}))
		case isOutlet(o):
			var feeds []Feed
			for _, c := range o.Children {
				feeds = append(feeds, Feed{Title: name(c), URL: c.XMLURL})
			}
			out = append(out, outletOf(o, feeds))
		default:
			for _, c := range o.Children {
				walk(c)
			}
		}
	}
	for _, o := range doc.Body {
		walk(o)
	}
	return out, nil
}

// isOutlet: an outline whose children are all feeds and which names a
// homepage or carries crosswire's attributes groups feeds of one outlet.
func isOutlet(o outline) bool {
	if len(o.Children) == 0 || (o.HTMLURL == "" && o.Slug == "" && o.Ownership == "") {
		return false
	}
	for _, c := range o.Children {
		if c.XMLURL == "" {
			return false
		}
	}
	return true
}

func name(o outline) string {
	if o.Title != "" {
		return strings.TrimSpace(o.Title)
	}
	return strings.TrimSpace(o.Text)
}

func outletOf(o outline, feeds []Feed) Outlet {
	return Outlet{
		Name: name(o), Homepage: o.HTMLURL, Slug: o.Slug, Country: o.Country,
		Ownership: o.Ownership, Language: o.Language, Perspective: o.Perspective, Feeds: feeds,
	}
}

// Write writes outlets as OPML 2.0: one outline per outlet holding its feeds.
func Write(w io.Writer, title string, outlets []Outlet, now time.Time) error {
	doc := document{Version: "2.0", NS: Namespace, Title: title, Created: now.UTC().Format(time.RFC1123Z)}
	for _, o := range outlets {
		ol := outline{
			Text: o.Name, Title: o.Name, HTMLURL: o.Homepage, Slug: o.Slug, Country: o.Country,
			Ownership: o.Ownership, Language: o.Language, Perspective: o.Perspective,
		}
		for _, f := range o.Feeds {
			t := f.Title
			if t == "" {
				t = o.Name
			}
			ol.Children = append(ol.Children, outline{Text: t, Title: t, Type: "rss", XMLURL: f.URL, HTMLURL: o.Homepage})
		}
		doc.Body = append(doc.Body, ol)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
