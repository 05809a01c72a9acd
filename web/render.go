package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// siteInfo is what every page's frame needs.
type siteInfo struct {
	Title                       string
	CSS, Icon                   string
	Home, Sources, Stories      string
	FeedRSS, FeedAtom, FeedJSON string
}

// pageMeta is the head and frame of a page.
type pageMeta struct {
	Site        *siteInfo
	Title       string // without the site's name; empty on the home page
	Description string
	Canonical   string
	Lang        string
	Nav         string // "home", "stories" or "sources": the current section
	Alternates  []alternate
	OG          []metaProp
}

type alternate struct{ Type, Title, Href string }

type metaProp struct{ Property, Content string }

type pageData struct {
	pageMeta
	Data any
}

func (s *Server) loadTemplates() error {
	css, err := fs.ReadFile(staticFS, "static/style.css")
	if err != nil {
		return fmt.Errorf("web: read stylesheet: %w", err)
	}
	sum := sha256.Sum256(css)
	s.staticCSS = s.path("/static/style.css?v=" + hex.EncodeToString(sum[:6]))

	funcs := template.FuncMap{
		"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
		"date":     func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"plural":   plural,
		"join":     strings.Join,
	}
	// Each page is parsed with the layout and the partials into its own
	// set, once.
	pageNames := []string{"home", "sources", "source", "article", "history", "stories", "story", "error"}
	s.pages = make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parse template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

func (s *Server) site() *siteInfo {
	return &siteInfo{
		Title:    s.opt.SiteTitle,
		CSS:      s.staticCSS,
		Icon:     s.path("/static/icon.svg"),
		Home:     s.path("/"),
		Sources:  s.path("/sources/"),
		Stories:  s.path("/stories/"),
		FeedRSS:  s.path("/feed.xml"),
		FeedAtom: s.path("/feed.atom"),
		FeedJSON: s.path("/feed.json"),
	}
}

// feedAlternates are the <link rel="alternate"> of a page's feeds: the
// hub's, and those of prefix (a source's or story's path) when given.
func (s *Server) feedAlternates(prefix, title string) []alternate {
	alts := []alternate{
		{"application/rss+xml", s.opt.SiteTitle + " (RSS)", s.abs("/feed.xml")},
		{"application/atom+xml", s.opt.SiteTitle + " (Atom)", s.abs("/feed.atom")},
		{"application/feed+json", s.opt.SiteTitle + " (JSON Feed)", s.abs("/feed.json")},
	}
	if prefix != "" {
		alts = append(alts,
			alternate{"application/rss+xml", title + " (RSS)", s.abs(prefix + "/feed.xml")},
			alternate{"application/atom+xml", title + " (Atom)", s.abs(prefix + "/feed.atom")},
			alternate{"application/feed+json", title + " (JSON Feed)", s.abs(prefix + "/feed.json")},
		)
	}
	return alts
}

// renderPage executes a page into memory, so a failing template gives a
// clean error page rather than half a page.
func (s *Server) renderPage(name string, status int, meta pageMeta, data any) (*response, error) {
	if meta.Site == nil {
		meta.Site = s.site()
	}
	if meta.Lang == "" {
		meta.Lang = "en"
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", pageData{meta, data}); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return newResponse(status, "text/html; charset=utf-8", buf.Bytes(), time.Time{}), nil
}

type errorData struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// renderError writes the error page for status. It never shows internals:
// the request ID lets an operator find the details in the log.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int) {
	d := errorData{Status: status, RequestID: requestID(r.Context())}
	switch status {
	case http.StatusNotFound:
		d.Heading = "Page not found"
		d.Message = "There is nothing here. The article or outlet may not be republished on this site, or not at the moment."
	default:
		d.Heading = "Something went wrong"
		d.Message = "The page could not be shown. Please try again in a moment."
	}
	resp, err := s.renderPage("error", status, pageMeta{Title: d.Heading}, d)
	if err != nil {
		s.log.Error("render error page", "err", err, "request_id", d.RequestID)
		http.Error(w, http.StatusText(status), status)
		return
	}
	resp.write(w, r)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound)
}

// staticHandler serves the embedded stylesheet and icon. Their addresses
// carry a content hash, so they may be cached for a year.
func (s *Server) staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if st, err := fs.Stat(sub, name); err != nil || st.IsDir() {
			s.renderError(w, r, http.StatusNotFound)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})
}
