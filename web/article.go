package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"crosswire"
)

type articleData struct {
	articleCard
	Published  time.Time // zero if the outlet did not say
	Updated    time.Time // zero unless later than Published
	FirstSeen  time.Time
	RemovedAt  time.Time
	Updates    int // revisions after the first
	HistoryURL string
	Image      string
	Content    template.HTML
	Categories []string
	Enclosures []crosswire.Enclosure
	Other      []articleCard
	StoryURL   string
}

// loadArticle reads an article as the public may see it: ErrNotFound if
// it does not exist or its outlet is not open now.
func (s *Server) loadArticle(ctx context.Context, st *state, id int64) (crosswire.Article, *outlet, error) {
	a, err := s.store.Article(ctx, id)
	if err != nil {
		return a, nil, err
	}
	o, ok := st.outlet(a.SourceID)
	if !ok {
		return a, nil, crosswire.ErrNotFound
	}
	return a, o, nil
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	id, ok := parseIDSlug(r.PathValue("idslug"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "article:"+strconv.FormatInt(id, 10), func(ctx context.Context, st *state) (*response, error) {
		return s.renderArticle(ctx, st, id)
	})
}

func (s *Server) renderArticle(ctx context.Context, st *state, id int64) (*response, error) {
	a, o, err := s.loadArticle(ctx, st, id)
	if err != nil {
		return nil, err
	}
	d := articleData{
		articleCard: s.card(a, o),
		Published:   a.PublishedAt,
		FirstSeen:   a.FirstSeenAt,
		RemovedAt:   a.RemovedAt,
		Categories:  a.Categories,
	}
	if !a.UpdatedAt.IsZero() && a.UpdatedAt.After(a.PublishedAt) {
		d.Updated = a.UpdatedAt
	}
	if a.Revisions > 1 {
		d.Updates = a.Revisions - 1
		d.HistoryURL = s.path("/articles/" + strconv.FormatInt(a.ID, 10) + "/history")
	}
	body := a.Content
	if strings.TrimSpace(body) == "" {
		body = a.Summary
	}
	d.Content = storedHTML(body)
	if img := webURL(a.ImageURL); img != "" && !strings.Contains(body, a.ImageURL) {
		d.Image = img
	}
	for _, e := range a.Enclosures {
		if webURL(e.URL) != "" {
			d.Enclosures = append(d.Enclosures, e)
		}
	}
	if a.StoryID != 0 && len(st.open.ids) > 0 {
		others, err := s.store.Articles(ctx, crosswire.ArticleQuery{StoryID: a.StoryID, SourceIDs: st.open.ids, Limit: storyArticleLimit})
		if err != nil {
			return nil, fmt.Errorf("other coverage of article %d: %w", a.ID, err)
		}
		for _, c := range s.cards(st, others) {
			if c.ID != a.ID {
				d.Other = append(d.Other, c)
			}
		}
		if len(d.Other) > 0 {
			d.StoryURL = s.storyPath(a.StoryID)
		}
	}

	// The canonical address is the outlet's: we carry a copy.
	canonical := d.Original
	if canonical == "" {
		canonical = s.abs(strings.TrimPrefix(d.URL, s.base.Path))
	}
	meta := pageMeta{
		Title:       d.Title,
		Description: d.Excerpt,
		Canonical:   canonical,
		Lang:        d.Lang,
		Alternates:  s.feedAlternates("/sources/"+o.Slug, o.Name),
		OG: []metaProp{
			{"og:type", "article"},
			{"og:site_name", s.opt.SiteTitle},
			{"og:title", d.Title},
			{"og:description", d.Excerpt},
			{"og:url", canonical},
		},
	}
	if img := webURL(a.ImageURL); img != "" {
		meta.OG = append(meta.OG, metaProp{"og:image", img})
	}
	if !a.PublishedAt.IsZero() {
		meta.OG = append(meta.OG, metaProp{"article:published_time", a.PublishedAt.UTC().Format(time.RFC3339)})
	}
	if !d.Updated.IsZero() {
		meta.OG = append(meta.OG, metaProp{"article:modified_time", d.Updated.UTC().Format(time.RFC3339)})
	}
	if a.Author != "" {
		meta.OG = append(meta.OG, metaProp{"article:author", a.Author})
	}
	return s.renderPage("article", http.StatusOK, meta, d)
}

type historyData struct {
	Article   articleCard
	Revisions []revisionView
}

type revisionView struct {
	N         int
	FetchedAt time.Time
	Origin    string
	Title     string
	TitleDiff [][]diffSpan // set when the title changed
	Diff      [][]diffSpan // against the previous revision
	Changed   bool
	Full      []string // the first revision's paragraphs
}

// diffContext is how many unchanged words are kept around each change.
const diffContext = 12

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	id, ok := parseIDSlug(r.PathValue("idslug"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "history:"+strconv.FormatInt(id, 10), func(ctx context.Context, st *state) (*response, error) {
		a, o, err := s.loadArticle(ctx, st, id)
		if err != nil {
			return nil, err
		}
		revs, err := s.store.Revisions(ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("revisions of article %d: %w", a.ID, err)
		}
		d := historyData{Article: s.card(a, o)}
		var prevText, prevTitle string
		for i, rev := range revs {
			text := plainText(rev.Text, rev.Content)
			v := revisionView{N: rev.N, FetchedAt: rev.FetchedAt, Origin: rev.Origin, Title: rev.Title}
			if i == 0 {
				v.Full = paragraphs(text)
			} else {
				ops := diffWords(prevText, text)
				v.Changed = diffChanged(ops)
				v.Diff = diffParagraphs(ops, diffContext)
				if rev.Title != prevTitle {
					v.TitleDiff = diffParagraphs(diffWords(prevTitle, rev.Title), 1<<20)
				}
			}
			prevText, prevTitle = text, rev.Title
			d.Revisions = append(d.Revisions, v)
		}
		// Newest first: readers come to see what changed last.
		for i, j := 0, len(d.Revisions)-1; i < j; i, j = i+1, j-1 {
			d.Revisions[i], d.Revisions[j] = d.Revisions[j], d.Revisions[i]
		}
		meta := pageMeta{
			Title:       "History: " + d.Article.Title,
			Description: "Every version of this article the hub archived, with what changed between them.",
			Canonical:   s.abs("/articles/" + strconv.FormatInt(a.ID, 10) + "/history"),
			Lang:        d.Article.Lang,
			Alternates:  s.feedAlternates("/sources/"+o.Slug, o.Name),
		}
		return s.renderPage("history", http.StatusOK, meta, d)
	})
}
