package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonAttachment struct {
	URL      string      `json:"url"`
	MimeType string      `json:"mime_type"`
	Size     json.Number `json:"size_in_bytes"`
}

type jsonItem struct {
	ID            json.RawMessage  `json:"id"`
	URL           string           `json:"url"`
	ExternalURL   string           `json:"external_url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	ContentText   string           `json:"content_text"`
	Summary       string           `json:"summary"`
	Image         string           `json:"image"`
	BannerImage   string           `json:"banner_image"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Author        *jsonAuthor      `json:"author"`
	Authors       []jsonAuthor     `json:"authors"`
	Tags          []string         `json:"tags"`
	Language      string           `json:"language"`
	Attachments   []jsonAttachment `json:"attachments"`
}

type jsonDoc struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description"`
	Language    string       `json:"language"`
	Author      *jsonAuthor  `json:"author"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
	sawItems    bool
}

// parseJSON reads a JSON Feed 1.0/1.1. A document that does not decode in
// one go (truncated, or a field of the wrong type somewhere) is decoded
// again as a stream, so the items that arrived whole are still read.
func parseJSON(data []byte, opt Options) (*Feed, error) {
	var d jsonDoc
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(data, &d); err == nil || errors.As(err, &typeErr) {
		d.sawItems = d.Items != nil || bytes.Contains(data, []byte(`"items"`))
	} else {
		d = jsonDoc{}
		if !streamJSON(data, &d) {
			return nil, fmt.Errorf("not a JSON object: %w", ErrNotFeed)
		}
	}
	return buildJSON(&d, opt)
}

// streamJSON decodes a JSON Feed token by token, keeping every complete
// item before the point where the document breaks.
func streamJSON(data []byte, d *jsonDoc) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	fields := map[string]any{
		"version": &d.Version, "title": &d.Title, "home_page_url": &d.HomePageURL, "feed_url": &d.FeedURL,
		"description": &d.Description, "language": &d.Language, "author": &d.Author, "authors": &d.Authors,
	}
read:
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := kt.(string)
		if key == "items" {
			d.sawItems = true
			t, err := dec.Token()
			if err != nil {
				break
			}
			if t != json.Delim('[') {
				continue // null or garbage: no items
			}
			for dec.More() {
				var it jsonItem
				err := dec.Decode(&it)
				var typeErr *json.UnmarshalTypeError
				if err != nil && !errors.As(err, &typeErr) {
					break read // truncated: keep the whole items before it
				}
				d.Items = append(d.Items, it)
			}
			if _, err := dec.Token(); err != nil {
				break
			}
			continue
		}
		dst, known := fields[key]
		if !known {
			var skip json.RawMessage
			dst = &skip
		}
		if err := dec.Decode(dst); err != nil {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				break
			}
		}
	}
	return true
}

func buildJSON(d *jsonDoc, opt Options) (*Feed, error) {
	version, title, home, feedURL, desc, lang := d.Version, d.Title, d.HomePageURL, d.FeedURL, d.Description, d.Language
	author, authors, items, sawItems := d.Author, d.Authors, d.Items, d.sawItems
	v := strings.TrimSpace(version)
	if !(strings.Contains(v, "jsonfeed.org/version/") || strings.HasPrefix(v, "1") ||
		(v == "" && sawItems && (title != "" || home != "" || feedURL != ""))) {
		return nil, fmt.Errorf("JSON without a JSON Feed version: %w", ErrNotFeed)
	}

	urls := urlCache{doc: opt.BaseURL}
	f := &Feed{
		Format:      "json",
		Title:       collapse(title),
		Link:        urls.resolve(home, ""),
		FeedLink:    urls.resolve(feedURL, ""),
		Description: collapse(desc),
		Language:    strings.TrimSpace(lang),
		Authors:     jsonNames(author, authors),
	}
	f.Entries = make([]Entry, 0, len(items))
	for i := range items {
		it := &items[i]
		e := Entry{
			ID:         jsonID(it.ID),
			Title:      collapse(it.Title),
			Link:       urls.resolve(firstNonEmpty(it.URL, it.ExternalURL), ""),
			Published:  parseDate(it.DatePublished),
			Updated:    parseDate(it.DateModified),
			Authors:    jsonNames(it.Author, it.Authors),
			Summary:    escapeText(strings.TrimSpace(it.Summary)),
			Content:    strings.TrimSpace(it.ContentHTML),
			Base:       opt.BaseURL,
			Image:      urls.resolve(firstNonEmpty(it.Image, it.BannerImage), ""),
			Language:   firstNonEmpty(strings.TrimSpace(it.Language), f.Language),
			Categories: nil,
		}
		if e.Content == "" {
			e.Content = escapeText(strings.TrimSpace(it.ContentText))
		}
		for _, t := range it.Tags {
			e.Categories = appendUnique(e.Categories, collapse(t))
		}
		for _, a := range it.Attachments {
			u := urls.resolve(a.URL, "")
			if u == "" {
				continue
			}
			e.Enclosures = append(e.Enclosures, Enclosure{URL: u, Type: strings.TrimSpace(a.MimeType), Length: jsonSize(a.Size)})
		}
		if e.ID == "" {
			e.ID = fallbackID(e)
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// jsonID accepts the string ids the spec asks for and the numbers some
// producers write.
func jsonID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' {
		return string(raw)
	}
	return ""
}

func jsonNames(one *jsonAuthor, many []jsonAuthor) []string {
	var names []string
	for _, a := range many {
		names = appendUnique(names, personName(a.Name))
	}
	if one != nil {
		names = appendUnique(names, personName(one.Name))
	}
	return names
}

func jsonSize(n json.Number) int64 {
	if n == "" {
		return 0
	}
	if v, err := n.Int64(); err == nil && v >= 0 {
		return v
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil && f >= 0 && f < 1<<62 {
		return int64(f)
	}
	return 0
}
