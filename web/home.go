package web

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strconv"

	"crosswire"
)

// leadStories is how many stories open the home page.
const leadStories = 6

type homeData struct {
	Lead     []storyCard
	Outlets  []outletView // the open outlets, for the side rail
	Articles []articleCard
	Pager    pager
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(r)
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "home:"+strconv.Itoa(page), func(ctx context.Context, st *state) (*response, error) {
		return s.renderHome(ctx, st, page)
	})
}

func (s *Server) renderHome(ctx context.Context, st *state, page int) (*response, error) {
	var d homeData
	for _, o := range st.open.outlets {
		d.Outlets = append(d.Outlets, o.view)
	}
	if len(st.open.ids) > 0 {
		arts, err := s.store.Articles(ctx, crosswire.ArticleQuery{
			SourceIDs: st.open.ids,
			Limit:     s.opt.PageSize + 1,
			Offset:    (page - 1) * s.opt.PageSize,
		})
		if err != nil {
			return nil, err
		}
		if len(arts) > s.opt.PageSize {
			arts = arts[:s.opt.PageSize]
			d.Pager = newPager(s.path("/"), page, true)
		} else {
			d.Pager = newPager(s.path("/"), page, false)
		}
		d.Articles = s.cards(st, arts)
		if page == 1 {
			d.Lead = s.leadStories(ctx, st)
		}
	}
	if page > 1 && len(d.Articles) == 0 {
		return nil, crosswire.ErrNotFound
	}
	meta := pageMeta{
		Nav:         "home",
		Description: "News from " + strconv.Itoa(len(st.open.outlets)) + " outlets, republished with attribution, and the same events compared across them.",
		Canonical:   s.abs("/"),
		Alternates:  s.feedAlternates("", ""),
	}
	if page > 1 {
		meta.Title = "Page " + strconv.Itoa(page)
		meta.Canonical = s.abs("/?page=" + strconv.Itoa(page))
	}
	meta.OG = []metaProp{
		{"og:type", "website"},
		{"og:site_name", s.opt.SiteTitle},
		{"og:title", s.opt.SiteTitle},
		{"og:url", meta.Canonical},
		{"og:description", meta.Description},
	}
	return s.renderPage("home", http.StatusOK, meta, d)
}

// leadStories are recent stories told by several open outlets, those with
// the most distinct perspectives first. A failure here only costs the
// section, not the home page.
func (s *Server) leadStories(ctx context.Context, st *state) []storyCard {
	stories, err := s.store.Stories(ctx, crosswire.StoryQuery{SourceIDs: st.open.ids, MinSources: 2, Limit: 2 * leadStories})
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "home: list stories", slog.Any("err", err))
		return nil
	}
	var out []storyCard
	for _, story := range stories {
		sc, err := s.storyCard(ctx, st, story)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "home: story articles", slog.Int64("story", story.ID), slog.Any("err", err))
			continue
		}
		if len(sc.Cards) >= 2 {
			out = append(out, sc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Perspectives) > len(out[j].Perspectives) })
	if len(out) > leadStories {
		out = out[:leadStories]
	}
	return out
}
