package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"crosswire"
)

type sourcesData struct {
	Outlets []sourceEntry
}

type sourceEntry struct {
	outletView
	Articles int
}

func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, "sources", func(ctx context.Context, st *state) (*response, error) {
		var d sourcesData
		for _, o := range st.open.outlets {
			n, err := s.store.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{o.ID}})
			if err != nil {
				return nil, fmt.Errorf("count articles of %s: %w", o.Slug, err)
			}
			d.Outlets = append(d.Outlets, sourceEntry{outletView: o.view, Articles: n})
		}
		meta := pageMeta{
			Title:       "Sources",
			Nav:         "sources",
			Description: "The outlets republished here, who owns them and where they are from.",
			Canonical:   s.abs("/sources/"),
			Alternates:  s.feedAlternates("", ""),
		}
		return s.renderPage("sources", http.StatusOK, meta, d)
	})
}

type sourceData struct {
	Outlet   outletView
	Articles []articleCard
	Total    int
	Pager    pager
}

func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	page, ok := pageParam(r)
	if !ok || slug == "" {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "source:"+slug+":"+strconv.Itoa(page), func(ctx context.Context, st *state) (*response, error) {
		o, ok := st.outletBySlug(slug)
		if !ok {
			return nil, crosswire.ErrNotFound
		}
		q := crosswire.ArticleQuery{SourceIDs: []int64{o.ID}}
		total, err := s.store.CountArticles(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("count articles of %s: %w", slug, err)
		}
		q.Limit, q.Offset = s.opt.PageSize+1, (page-1)*s.opt.PageSize
		arts, err := s.store.Articles(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("articles of %s: %w", slug, err)
		}
		if page > 1 && len(arts) == 0 {
			return nil, crosswire.ErrNotFound
		}
		d := sourceData{Outlet: o.view, Total: total}
		d.Pager = newPager(o.view.URL, page, len(arts) > s.opt.PageSize)
		if len(arts) > s.opt.PageSize {
			arts = arts[:s.opt.PageSize]
		}
		d.Articles = s.cards(st, arts)

		own := "/sources/" + url.PathEscape(o.Slug)
		desc := fmt.Sprintf("%s: %s outlet", o.Name, o.Ownership.Label())
		if o.view.CountryName != "" {
			desc += " from " + o.view.CountryName
		}
		desc += ", republished with attribution."
		meta := pageMeta{
			Title:       o.Name,
			Nav:         "sources",
			Description: desc,
			Canonical:   s.abs(own),
			Alternates:  s.feedAlternates(own, o.Name),
			OG: []metaProp{
				{"og:type", "website"},
				{"og:site_name", s.opt.SiteTitle},
				{"og:title", o.Name},
				{"og:url", s.abs(own)},
				{"og:description", desc},
			},
		}
		if page > 1 {
			meta.Canonical = s.abs(own + "?page=" + strconv.Itoa(page))
		}
		return s.renderPage("source", http.StatusOK, meta, d)
	})
}
