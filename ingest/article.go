package ingest

import (
	"net/url"
	"strings"
	"time"

	"crosswire"
	"crosswire/content"
	"crosswire/feed"
)

// toArticle turns one parsed entry into the article the store keeps:
// identity, sanitized HTML, plain text and the hash that detects edits.
// The cleaner applies the source's rules and the built-in junk removal
// (inline "Read more" teasers, share bars) on top of sanitizing.
func toArticle(src crosswire.Source, clean *content.Cleaner, f crosswire.Feed, doc *feed.Feed, e feed.Entry, now time.Time) *crosswire.Article {
	base, _ := url.Parse(e.Base)
	link := CanonicalURL(e.Link)
	body, text := clean.CleanWithText(e.Content, base)
	var summary string
	if body == "" {
		// A feed that carries only a description: it is the body too.
		summary, text = clean.CleanWithText(e.Summary, base)
		body = summary
	} else {
		summary = clean.Clean(e.Summary, base)
	}
	title := strings.TrimSpace(e.Title)
	if title == "" {
		title = content.Excerpt(text, 80)
	}
	lang := e.Language
	if lang == "" {
		lang = doc.Language
	}
	if lang == "" {
		lang = src.Language
	}
	a := &crosswire.Article{
		SourceID:    src.ID,
		FeedID:      f.ID,
		Key:         Key(e.ID, e.Link, title, body),
		GUID:        e.ID,
		URL:         link,
		Title:       title,
		Author:      strings.Join(e.Authors, ", "),
		Categories:  e.Categories,
		Summary:     summary,
		Content:     body,
		Text:        text,
		ImageURL:    e.Image,
		Language:    lang,
		PublishedAt: e.Published,
		UpdatedAt:   e.Updated,
		FirstSeenAt: now,
		LastSeenAt:  now,
	}
	for _, enc := range e.Enclosures {
		a.Enclosures = append(a.Enclosures, crosswire.Enclosure{URL: enc.URL, Type: enc.Type, Length: enc.Length})
		if a.ImageURL == "" && strings.HasPrefix(enc.Type, "image/") {
			a.ImageURL = enc.URL
		}
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = a.UpdatedAt
	}
	// The hash covers what readers see, after sanitizing, so rotating
	// tracking parameters or ad markup do not count as edits.
	a.Hash = digest(a.Title, a.Summary, a.Content)
	return a
}
