package web

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// RSS 2.0 (https://www.rssboard.org/rss-specification), with the Atom
// namespace for the self link, content:encoded for the full text and
// dc:creator for a person's name (RSS's own <author> wants an e-mail
// address, which outlets rarely give).

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Docs          string    `xml:"docs"`
	AtomLink      rssSelf   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Description string        `xml:"description"`
	Content     string        `xml:"content:encoded"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Categories  []string      `xml:"category"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate,omitempty"`
	Source      rssSource     `xml:"source"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// rssDate is RFC 822 (with a four-digit year, as RSS readers expect).
func rssDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC1123Z)
}

func writeRSS(w io.Writer, d *feedDoc) error {
	doc := rssDoc{
		Version:   "2.0",
		NSAtom:    "http://www.w3.org/2005/Atom",
		NSContent: "http://purl.org/rss/1.0/modules/content/",
		NSDC:      "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title:         d.Title,
			Link:          d.HomeURL,
			Description:   d.Description,
			Language:      d.Language,
			LastBuildDate: rssDate(d.Updated),
			Generator:     d.Generator,
			Docs:          "https://www.rssboard.org/rss-specification",
			AtomLink:      rssSelf{Href: d.SelfURL, Rel: "self", Type: "application/rss+xml"},
		},
	}
	for _, it := range d.Items {
		item := rssItem{
			Title:       it.Title,
			Link:        it.Link,
			Description: it.SummaryHTML,
			Content:     it.ContentHTML,
			Creator:     it.Author,
			Categories:  it.Categories,
			GUID:        rssGUID{IsPermaLink: "true", Value: it.ID},
			PubDate:     rssDate(it.Published),
			Source:      rssSource{URL: it.Outlet.FeedURL, Name: it.Outlet.Name},
		}
		// RSS allows one enclosure per item.
		if len(it.Enclosures) > 0 {
			e := it.Enclosures[0]
			typ := e.Type
			if typ == "" {
				typ = "application/octet-stream"
			}
			item.Enclosure = &rssEnclosure{URL: e.URL, Length: strconv.FormatInt(max(e.Length, 0), 10), Type: typ}
		}
		doc.Channel.Items = append(doc.Channel.Items, item)
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
