package web

import (
	"encoding/json"
	"io"
	"time"
)

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Items name their
// outlet in authors; url is the original article, id our copy.

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url,omitempty"`
	Title         string           `json:"title,omitempty"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
	// Extensions start with an underscore (spec, "Extensions").
	Source *jsonSource `json:"_source,omitempty"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

type jsonSource struct {
	Name        string `json:"name"`
	HomePageURL string `json:"home_page_url,omitempty"`
	FeedURL     string `json:"feed_url,omitempty"`
}

func jsonDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func writeJSONFeed(w io.Writer, d *feedDoc) error {
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       d.Title,
		HomePageURL: d.HomeURL,
		FeedURL:     d.SelfURL,
		Description: d.Description,
		Language:    d.Language,
		Authors:     []jsonAuthor{{Name: d.Title, URL: d.HomeURL}},
		Items:       []jsonItem{},
	}
	for _, it := range d.Items {
		item := jsonItem{
			ID:            it.ID,
			URL:           it.Link,
			Title:         it.Title,
			ContentHTML:   it.ContentHTML,
			Summary:       it.Summary,
			Image:         it.Image,
			DatePublished: jsonDate(it.Published),
			DateModified:  jsonDate(it.Updated),
			Tags:          it.Categories,
			Language:      it.Language,
			Source:        &jsonSource{Name: it.Outlet.Name, HomePageURL: it.Outlet.Homepage, FeedURL: it.Outlet.FeedURL},
		}
		if it.Author != "" {
			item.Authors = append(item.Authors, jsonAuthor{Name: it.Author})
		}
		item.Authors = append(item.Authors, jsonAuthor{Name: it.Outlet.Name, URL: it.Outlet.Homepage})
		for _, e := range it.Enclosures {
			mt := e.Type
			if mt == "" {
				mt = "application/octet-stream"
			}
			item.Attachments = append(item.Attachments, jsonAttachment{URL: e.URL, MimeType: mt, Size: max(e.Length, 0)})
		}
		f.Items = append(f.Items, item)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}
