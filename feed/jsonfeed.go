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

// parseJSON reads a JSON Feed 1.0/1.1. It decodes the document as a stream
// so that a truncated one still yields the items that arrived whole.
func parseJSON(data []byte, opt Options) (*Feed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %w", ErrNotFeed)
	}
	var (
		version, title, home, feedURL, desc, lang string
		author                                    *jsonAuthor
		authors                                   []jsonAuthor
		items                                     []jsonItem
		sawItems                                  bool
	)
	fields := map[string]any{
		"version": &version, "title": &title, "home_page_url": &home, "feed_url": &feedURL,
		"description": &desc, "language": &lang, "author": &author, "authors": &authors,
	}
read:
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := kt.(string)
		if key == "items" {
			sawItems = true
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
				items = append(items, it)
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
