// Package web serves the hub's public face: the read-only website (home,
// sources, articles with their revision history, stories) and the output
// feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1). It only reads the store.
//
// Only sources whose republish window is open at the request's time are
// shown anywhere; everything else answers the 404 page.
//
// Rendered pages and feeds are cached in memory, keyed by the store's
// LastChange, a fingerprint of the sources and the set of open sources, and
// kept at most Options.CacheTTL so changes that LastChange does not see
// (story assignments, "removed at source" marks) show up soon. See cache.go.
package web

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"crosswire"
)

// Options configure a Server.
type Options struct {
	SiteTitle string
	// BaseURL is the absolute public URL of the site (for example
	// https://news.example.org or https://example.org/hub), used for the
	// self links of our own pages and feeds.
	BaseURL string
	Now     func() time.Time
	Logger  *slog.Logger
	// Perspectives are the configured perspective tags a story page lists
	// under "Not covered by" when no article of the story carries them.
	// Empty: the ownership kinds are used instead.
	Perspectives []string
	PageSize     int // articles per page; default 20

	// CacheTTL bounds how long a rendered page or feed is reused while the
	// store's LastChange and the sources stay the same. Default 5s;
	// negative disables the cache.
	CacheTTL time.Duration
	// FeedItems is the number of items in an output feed; default 50.
	FeedItems int
	// Observe, if set, sees every request's route pattern (never the raw
	// path), method, status and duration: the metrics hook.
	Observe func(route, method string, status int, d time.Duration)
}

// The page cache's bounds: enough for the hot pages and feeds of a hub
// with many sources, small next to the process.
const (
	cacheEntries = 2048
	cacheBytes   = 64 << 20
)

// Server is the public website and the output feeds. It implements
// http.Handler.
type Server struct {
	store crosswire.Store
	opt   Options
	log   *slog.Logger
	base  *url.URL
	mux   *http.ServeMux

	pages     map[string]*template.Template
	staticCSS string // versioned path of the stylesheet

	cache *pageCache

	snapMu sync.Mutex
	snap   atomic.Pointer[snapshot]

	reqPrefix string
	reqSeq    atomic.Uint64
}

// New builds a Server: it parses the templates once and checks the options.
func New(store crosswire.Store, opt Options) (*Server, error) {
	if store == nil {
		return nil, errors.New("web: nil store")
	}
	if opt.SiteTitle == "" {
		opt.SiteTitle = "crosswire"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 20
	}
	if opt.FeedItems <= 0 {
		opt.FeedItems = 50
	}
	if opt.CacheTTL == 0 {
		opt.CacheTTL = 5 * time.Second
	}
	base, err := parseBaseURL(opt.BaseURL)
	if err != nil {
		return nil, err
	}
	opt.BaseURL = strings.TrimSuffix(base.String(), "/")

	s := &Server{
		store:     store,
		opt:       opt,
		log:       opt.Logger,
		base:      base,
		cache:     newPageCache(cacheEntries, cacheBytes),
		reqPrefix: strconv.FormatInt(opt.Now().UnixNano(), 36),
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("web: BaseURL is required (the absolute public URL of the site)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("web: BaseURL %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("web: BaseURL %q must be an absolute http(s) URL", raw)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleHome)
	m.HandleFunc("GET /sources", redirectTo("/sources/"))
	m.HandleFunc("GET /sources/{$}", s.handleSources)
	m.HandleFunc("GET /sources/{slug}", s.handleSource)
	m.HandleFunc("GET /articles/{idslug}", s.handleArticle)
	m.HandleFunc("GET /articles/{idslug}/history", s.handleHistory)
	m.HandleFunc("GET /stories", redirectTo("/stories/"))
	m.HandleFunc("GET /stories/{$}", s.handleStories)
	m.HandleFunc("GET /stories/{id}", s.handleStory)

	for _, f := range feedFormats() {
		m.HandleFunc("GET /feed."+f.ext, s.feedHandler(f, feedHub))
		m.HandleFunc("GET /sources/{slug}/feed."+f.ext, s.feedHandler(f, feedSource))
		m.HandleFunc("GET /stories/{id}/feed."+f.ext, s.feedHandler(f, feedStory))
	}

	m.HandleFunc("GET /healthz", Healthz)
	m.Handle("GET /static/", s.staticHandler())
	m.HandleFunc("/", s.handleNotFound)
	s.mux = m
}

// ServeHTTP runs the request through the middleware (request ID, security
// headers, panic recovery, access log) and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r)
}

// Healthz answers that the process is alive: the site's /healthz, and a
// worker's beside its /readyz and /metrics.
func Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, path, http.StatusMovedPermanently)
	}
}

// abs makes an absolute URL of one of our own paths.
func (s *Server) abs(path string) string {
	return s.opt.BaseURL + path
}

// path prefixes one of our own paths with the base URL's path, so the site
// works mounted below a prefix behind a proxy.
func (s *Server) path(p string) string {
	return s.base.Path + p
}
