package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"crosswire"
)

// feedDoc is an output feed before it is written in one of the formats.
type feedDoc struct {
	Title       string
	Description string
	Language    string
	HomeURL     string // the HTML page the feed mirrors
	SelfURL     string // this feed's own address (set per format)
	Updated     time.Time
	Generator   string
	Items       []feedItem
}

// feedItem is one republished article, attributed to its outlet.
type feedItem struct {
	ID          string // our copy (absolute): guid / id
	Link        string // the original article
	Title       string
	Author      string // the person, if the outlet named one
	Outlet      feedOutlet
	Published   time.Time
	Updated     time.Time
	Summary     string // plain text
	SummaryHTML string // excerpt + attribution + disclaimer
	ContentHTML string // content + attribution + disclaimer
	Categories  []string
	Image       string
	Enclosures  []crosswire.Enclosure
	Language    string
}

type feedOutlet struct {
	Name     string
	Homepage string
	FeedURL  string // the outlet's own feed, else its feed on this hub
}

type feedFormat struct {
	ext         string
	contentType string
	name        string
	write       func(io.Writer, *feedDoc) error
}

func feedFormats() []feedFormat {
	return []feedFormat{
		{"xml", "application/rss+xml; charset=utf-8", "RSS", writeRSS},
		{"atom", "application/atom+xml; charset=utf-8", "Atom", writeAtom},
		{"json", "application/feed+json; charset=utf-8", "JSON Feed", writeJSONFeed},
	}
}

type feedScope int

const (
	feedHub feedScope = iota
	feedSource
	feedStory
)

func (s *Server) feedHandler(f feedFormat, scope feedScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var key string
		var storyID int64
		switch scope {
		case feedHub:
			key = "feed:" + f.ext
		case feedSource:
			key = "feed:" + f.ext + ":source:" + r.PathValue("slug")
		case feedStory:
			id, ok := parseIDSlug(r.PathValue("id"))
			if !ok {
				s.renderError(w, r, http.StatusNotFound)
				return
			}
			storyID = id
			key = "feed:" + f.ext + ":story:" + strconv.FormatInt(id, 10)
		}
		s.cached(w, r, key, func(ctx context.Context, st *state) (*response, error) {
			doc, lastMod, err := s.buildFeed(ctx, st, scope, r.PathValue("slug"), storyID)
			if err != nil {
				return nil, err
			}
			doc.SelfURL = s.abs(strings.TrimPrefix(r.URL.Path, s.base.Path))
			var buf bytes.Buffer
			if err := f.write(&buf, doc); err != nil {
				return nil, fmt.Errorf("write %s feed: %w", f.name, err)
			}
			resp := newResponse(http.StatusOK, f.contentType, buf.Bytes(), lastMod)
			resp.cacheControl = "public, max-age=300"
			return resp, nil
		})
	}
}

// buildFeed reads the items of a feed and when it last changed: the
// store's LastChange of the sources it shows, or a publisher's edit or a
// republish window opening or closing, whichever is later.
func (s *Server) buildFeed(ctx context.Context, st *state, scope feedScope, slug string, storyID int64) (*feedDoc, time.Time, error) {
	doc := &feedDoc{Generator: "crosswire " + crosswire.Version, Language: ""}
	q := crosswire.ArticleQuery{Limit: s.opt.FeedItems}
	changed := changedAt(st.snap.outlets, st.now)
	switch scope {
	case feedHub:
		doc.Title = s.opt.SiteTitle
		doc.Description = "Latest articles republished by " + s.opt.SiteTitle + ", each attributed to its outlet."
		doc.HomeURL = s.abs("/")
		q.SourceIDs = st.open.ids
	case feedSource:
		o, ok := st.outletBySlug(slug)
		if !ok {
			return nil, time.Time{}, crosswire.ErrNotFound
		}
		doc.Title = o.Name + " — " + s.opt.SiteTitle
		doc.Description = fmt.Sprintf("Articles of %s (%s), republished by %s.", o.Name, o.Ownership.Label(), s.opt.SiteTitle)
		doc.HomeURL = s.abs("/sources/" + url.PathEscape(o.Slug))
		doc.Language = o.Language
		q.SourceIDs = []int64{o.ID}
		changed = changedAt([]*outlet{o}, st.now)
	case feedStory:
		if len(st.open.ids) == 0 {
			return nil, time.Time{}, crosswire.ErrNotFound
		}
		story, err := s.store.Story(ctx, storyID)
		if err != nil {
			return nil, time.Time{}, err
		}
		sc, err := s.storyCard(ctx, st, story)
		if err != nil {
			return nil, time.Time{}, err
		}
		if len(sc.Cards) == 0 {
			return nil, time.Time{}, crosswire.ErrNotFound
		}
		doc.Title = sc.Title + " — " + s.opt.SiteTitle
		doc.Description = fmt.Sprintf("Coverage of “%s” by %s.", sc.Title, plural(len(sc.Cards), "outlet", "outlets"))
		doc.HomeURL = s.abs("/stories/" + strconv.FormatInt(storyID, 10))
		q.SourceIDs, q.StoryID = st.open.ids, storyID
		if story.UpdatedAt.After(changed) && !story.UpdatedAt.After(st.now) {
			changed = story.UpdatedAt
		}
	}

	var arts []crosswire.Article
	if len(q.SourceIDs) > 0 {
		var err error
		if arts, err = s.store.Articles(ctx, q); err != nil {
			return nil, time.Time{}, fmt.Errorf("feed articles: %w", err)
		}
		lc, err := s.store.LastChange(ctx, q.SourceIDs)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("feed last change: %w", err)
		}
		if lc.After(changed) {
			changed = lc
		}
	}
	for _, a := range arts {
		o, ok := st.outlet(a.SourceID)
		if !ok {
			continue
		}
		doc.Items = append(doc.Items, s.feedItem(a, o))
	}
	doc.Updated = changed
	for _, it := range doc.Items {
		if it.Updated.After(doc.Updated) {
			doc.Updated = it.Updated
		}
	}
	if doc.Updated.IsZero() {
		doc.Updated = st.now
	}
	return doc, changed, nil
}

func (s *Server) feedItem(a crosswire.Article, o *outlet) feedItem {
	ours := s.abs("/articles/" + strconv.FormatInt(a.ID, 10))
	if slug := slugify(a.Title); slug != "" {
		ours += "-" + slug
	}
	orig := webURL(a.URL)
	link := orig
	if link == "" {
		link = ours
	}
	feedURL := o.feedURL
	if feedURL == "" {
		feedURL = s.abs("/sources/" + url.PathEscape(o.Slug) + "/feed.xml")
	}
	updated := a.UpdatedAt
	if updated.IsZero() || updated.Before(a.DisplayTime()) {
		updated = a.DisplayTime()
	}
	text := plainText(a.Text, a.Summary)
	summary := excerpt(text, excerptRunes)
	body := a.Content
	if strings.TrimSpace(body) == "" {
		body = a.Summary
	}
	footer := s.feedFooter(o, orig)
	it := feedItem{
		ID:          ours,
		Link:        link,
		Title:       displayTitle(a),
		Author:      a.Author,
		Outlet:      feedOutlet{Name: o.Name, Homepage: webURL(o.Homepage), FeedURL: feedURL},
		Published:   a.DisplayTime(),
		Updated:     updated,
		Summary:     summary,
		SummaryHTML: "<p>" + template.HTMLEscapeString(summary) + "</p>" + footer,
		ContentHTML: s.feedHTML(body) + footer,
		Categories:  a.Categories,
		Image:       webURL(a.ImageURL),
		Language:    a.Language,
	}
	if it.Language == "" {
		it.Language = o.Language
	}
	for _, e := range a.Enclosures {
		if webURL(e.URL) != "" {
			it.Enclosures = append(it.Enclosures, e)
		}
	}
	return it
}

// feedFooter is the attribution and the publisher's disclaimer appended
// to every item's content.
func (s *Server) feedFooter(o *outlet, original string) string {
	var b strings.Builder
	b.WriteString(`<hr><p class="crosswire-attribution">Republished from `)
	name := template.HTMLEscapeString(o.Name)
	if home := webURL(o.Homepage); home != "" {
		b.WriteString(`<a href="` + template.HTMLEscapeString(home) + `">` + name + `</a>`)
	} else {
		b.WriteString(name)
	}
	b.WriteString(" (" + template.HTMLEscapeString(o.Ownership.Label()))
	if o.Country != "" {
		b.WriteString(", " + template.HTMLEscapeString(o.Country))
	}
	b.WriteString(")")
	if original != "" {
		b.WriteString(`. Originally published at <a href="` + template.HTMLEscapeString(original) + `">` +
			template.HTMLEscapeString(hostOf(original)) + `</a>`)
	}
	b.WriteString(".</p>")
	if o.disclaimer != "" {
		b.WriteString(`<div class="crosswire-disclaimer">`)
		b.WriteString(string(o.disclaimer))
		b.WriteString(`</div>`)
	}
	return b.String()
}
