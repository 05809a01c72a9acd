package web

import (
	"encoding/xml"
	"io"
	"time"
)

// Atom 1.0 (RFC 4287). Each entry names its outlet as an author and
// carries an atom:source with the outlet's feed, as section 4.2.11 says
// an entry copied from another feed should.

type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string        `xml:"xml:lang,attr,omitempty"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  *atomText     `xml:"subtitle,omitempty"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Author    atomPerson    `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
	Length int64  `xml:"length,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	Value string `xml:",chardata"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
	Source     atomSource     `xml:"source"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomSource struct {
	ID      string     `xml:"id"`
	Title   atomText   `xml:"title"`
	Links   []atomLink `xml:"link"`
	Updated string     `xml:"updated"`
}

func atomDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func writeAtom(w io.Writer, d *feedDoc) error {
	f := atomFeed{
		Lang:    d.Language,
		ID:      d.SelfURL,
		Title:   atomText{Type: "text", Value: d.Title},
		Updated: atomDate(d.Updated),
		Links: []atomLink{
			{Href: d.SelfURL, Rel: "self", Type: "application/atom+xml"},
			{Href: d.HomeURL, Rel: "alternate", Type: "text/html"},
		},
		Author:    atomPerson{Name: d.Title, URI: d.HomeURL},
		Generator: atomGenerator{Value: d.Generator},
	}
	if d.Description != "" {
		f.Subtitle = &atomText{Type: "text", Value: d.Description}
	}
	for _, it := range d.Items {
		e := atomEntry{
			ID:        it.ID,
			Title:     atomText{Type: "text", Value: it.Title},
			Published: atomDate(it.Published),
			Updated:   atomDate(it.Updated),
			Summary:   atomText{Type: "text", Value: it.Summary},
			Content:   atomText{Type: "html", Value: it.ContentHTML},
			Links: []atomLink{
				{Href: it.Link, Rel: "alternate", Type: "text/html"},
			},
			Source: atomSource{
				ID:      it.Outlet.FeedURL,
				Title:   atomText{Type: "text", Value: it.Outlet.Name},
				Updated: atomDate(it.Updated),
				Links:   []atomLink{{Href: it.Outlet.FeedURL, Rel: "self"}},
			},
		}
		if it.Link != it.ID {
			// Our archived copy, which stays when the original goes.
			e.Links = append(e.Links, atomLink{Href: it.ID, Rel: "related", Type: "text/html", Title: "Archived copy"})
		}
		if it.Outlet.Homepage != "" {
			e.Source.Links = append(e.Source.Links, atomLink{Href: it.Outlet.Homepage, Rel: "alternate", Type: "text/html"})
		}
		if it.Author != "" {
			e.Authors = append(e.Authors, atomPerson{Name: it.Author})
		}
		e.Authors = append(e.Authors, atomPerson{Name: it.Outlet.Name, URI: it.Outlet.Homepage})
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		for _, enc := range it.Enclosures {
			e.Links = append(e.Links, atomLink{Href: enc.URL, Rel: "enclosure", Type: enc.Type, Length: max(enc.Length, 0)})
		}
		f.Entries = append(f.Entries, e)
	}
	return writeXML(w, f)
}
