package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"crosswire"
)

// outletView is a source as the templates show it.
type outletView struct {
	Name, Slug, URL             string
	Homepage, HomeHost          string
	Country, CountryName        string
	Ownership, OwnershipLabel   string
	Language, LanguageName      string
	Perspective                 string
	Disclaimer                  template.HTML
	FeedRSS, FeedAtom, FeedJSON string
}

func (s *Server) outletView(o *outlet) outletView {
	p := s.path("/sources/" + url.PathEscape(o.Slug))
	home := webURL(o.Homepage)
	return outletView{
		Name:           o.Name,
		Slug:           o.Slug,
		URL:            p,
		Homepage:       home,
		HomeHost:       hostOf(home),
		Country:        o.Country,
		CountryName:    countryName(o.Country),
		Ownership:      string(o.Ownership),
		OwnershipLabel: o.Ownership.Label(),
		Language:       o.Language,
		LanguageName:   languageName(o.Language),
		Perspective:    o.Perspective,
		Disclaimer:     o.disclaimer,
		FeedRSS:        p + "/feed.xml",
		FeedAtom:       p + "/feed.atom",
		FeedJSON:       p + "/feed.json",
	}
}

// articleCard is an article in a list.
type articleCard struct {
	ID           int64
	URL          string // our copy
	Title        string
	Original     string // the outlet's page, if it is an http(s) address
	OriginalHost string
	Outlet       outletView
	Author       string
	Time         time.Time
	Excerpt      string
	Lang         string
	Removed      bool
}

const excerptRunes = 280

func (s *Server) articlePath(a crosswire.Article) string {
	p := "/articles/" + strconv.FormatInt(a.ID, 10)
	if slug := slugify(a.Title); slug != "" {
		p += "-" + slug
	}
	return s.path(p)
}

func (s *Server) card(a crosswire.Article, o *outlet) articleCard {
	orig := webURL(a.URL)
	lang := a.Language
	if lang == "" {
		lang = o.Language
	}
	return articleCard{
		ID:           a.ID,
		URL:          s.articlePath(a),
		Title:        displayTitle(a),
		Original:     orig,
		OriginalHost: hostOf(orig),
		Outlet:       o.view,
		Author:       a.Author,
		Time:         a.DisplayTime(),
		Excerpt:      excerpt(plainText(a.Text, a.Summary), excerptRunes),
		Lang:         lang,
		Removed:      !a.RemovedAt.IsZero(),
	}
}

func displayTitle(a crosswire.Article) string {
	if t := strings.TrimSpace(a.Title); t != "" {
		return t
	}
	if t := excerpt(plainText(a.Text, a.Summary), 90); t != "" {
		return t
	}
	return "(untitled)"
}

// cards keeps the articles of open outlets (the query already restricts
// to them; this is the check that matters if it did not) as cards.
func (s *Server) cards(st *state, arts []crosswire.Article) []articleCard {
	out := make([]articleCard, 0, len(arts))
	for _, a := range arts {
		if o, ok := st.outlet(a.SourceID); ok {
			out = append(out, s.card(a, o))
		}
	}
	return out
}

// pager links the neighbouring pages of a paginated list.
type pager struct {
	Page       int
	Prev, Next string
}

func newPager(path string, page int, hasNext bool) pager {
	p := pager{Page: page}
	if page == 2 {
		p.Prev = path
	} else if page > 2 {
		p.Prev = path + "?page=" + strconv.Itoa(page-1)
	}
	if hasNext {
		p.Next = path + "?page=" + strconv.Itoa(page+1)
	}
	return p
}

// pageParam reads ?page=N (default 1). Anything else is not a page.
func pageParam(r *http.Request) (int, bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, false
	}
	return n, true
}

// cached answers a request from the page cache, rendering with fn on a
// miss. fn returning an error that is crosswire.ErrNotFound gives the 404
// page; any other error is logged and gives the 500 page.
func (s *Server) cached(w http.ResponseWriter, r *http.Request, key string, fn func(context.Context, *state) (*response, error)) {
	ctx := r.Context()
	st, err := s.state(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp, hit, err := s.cache.do(ctx, key, st, s.opt.CacheTTL, func(ctx context.Context) (*response, error) {
		return fn(ctx, st)
	})
	if err != nil {
		if errors.Is(err, crosswire.ErrNotFound) {
			s.renderError(w, r, http.StatusNotFound)
			return
		}
		s.fail(w, r, err)
		return
	}
	if hit {
		markCache(w, "hit")
	} else {
		markCache(w, "miss")
	}
	resp.write(w, r)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	s.log.Error("serve page", "err", err, "path", r.URL.Path, "request_id", requestID(r.Context()))
	s.renderError(w, r, http.StatusInternalServerError)
}
