// Package admin is the hub's authenticated JSON API for operators: sources
// (add, pause, resume, remove, rules) and manual story decisions (merge,
// split). The public site stays read-only; everything here needs the
// configured bearer token.
package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"crosswire"
	"crosswire/config"
	"crosswire/story"
)

// Options configure the API.
type Options struct {
	Token    string // required; an empty token disables every route
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// Handler serves /admin/api/...
type Handler struct {
	st  crosswire.Store
	opt Options
	mux *http.ServeMux
}

// New returns the API handler.
func New(st crosswire.Store, opt Options) *Handler {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	h := &Handler{st: st, opt: opt, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /admin/api/sources", h.listSources)
	h.mux.HandleFunc("POST /admin/api/sources", h.addSource)
	h.mux.HandleFunc("POST /admin/api/sources/{slug}/pause", h.pause(true))
	h.mux.HandleFunc("POST /admin/api/sources/{slug}/resume", h.pause(false))
	h.mux.HandleFunc("PUT /admin/api/sources/{slug}/rules", h.putRules)
	h.mux.HandleFunc("DELETE /admin/api/sources/{slug}", h.deleteSource)
	h.mux.HandleFunc("POST /admin/api/stories/merge", h.merge)
	h.mux.HandleFunc("POST /admin/api/stories/split", h.split)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="crosswire admin"`)
		writeError(w, http.StatusUnauthorized, errors.New("admin API needs a valid bearer token"))
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) authorized(r *http.Request) bool {
	if h.opt.Token == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(h.opt.Token)) == 1
}

type sourceJSON struct {
	Slug           string          `json:"slug"`
	Name           string          `json:"name"`
	Homepage       string          `json:"homepage,omitempty"`
	Country        string          `json:"country,omitempty"`
	Ownership      string          `json:"ownership"`
	Language       string          `json:"language,omitempty"`
	Perspective    string          `json:"perspective,omitempty"`
	Disclaimer     string          `json:"disclaimer,omitempty"`
	Republish      bool            `json:"republish"`
	RepublishFrom  string          `json:"republish_from,omitempty"`
	RepublishUntil string          `json:"republish_until,omitempty"`
	Paused         bool            `json:"paused"`
	FullText       string          `json:"full_text,omitempty"`
	Rules          crosswire.Rules `json:"rules"`
	Feeds          []string        `json:"feeds"`
}

func toJSON(s crosswire.Source, feeds []crosswire.Feed) sourceJSON {
	j := sourceJSON{Slug: s.Slug, Name: s.Name, Homepage: s.Homepage, Country: s.Country, Ownership: string(s.Ownership),
		Language: s.Language, Perspective: s.Perspective, Disclaimer: s.Disclaimer, Republish: s.Republish,
		Paused: s.Paused, FullText: s.FullText, Rules: s.Rules, Feeds: []string{}}
	if !s.RepublishFrom.IsZero() {
		j.RepublishFrom = s.RepublishFrom.Format(time.RFC3339)
	}
	if !s.RepublishUntil.IsZero() {
		j.RepublishUntil = s.RepublishUntil.Format(time.RFC3339)
	}
	for _, f := range feeds {
		j.Feeds = append(j.Feeds, f.URL)
	}
	return j
}

func (h *Handler) listSources(w http.ResponseWriter, r *http.Request) {
	sources, err := h.st.Sources(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	feeds, err := h.st.Feeds(r.Context(), 0) // all of them: one query, not one per source
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	bySource := map[int64][]crosswire.Feed{}
	for _, f := range feeds {
		bySource[f.SourceID] = append(bySource[f.SourceID], f)
	}
	out := []sourceJSON{}
	for _, s := range sources {
		out = append(out, toJSON(s, bySource[s.ID]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) addSource(w http.ResponseWriter, r *http.Request) {
	var in sourceJSON
	if err := decode(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	cs, err := config.ParseSource("request", config.SourceInput{
		Slug: in.Slug, Name: in.Name, Homepage: in.Homepage, Country: in.Country, Ownership: in.Ownership,
		Language: in.Language, Perspective: in.Perspective, Disclaimer: in.Disclaimer, Republish: in.Republish,
		RepublishFrom: in.RepublishFrom, RepublishUntil: in.RepublishUntil, FullText: in.FullText, Rules: in.Rules, Feeds: in.Feeds,
	})
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	for _, u := range cs.Feeds {
		if strings.HasPrefix(u, "file:") {
			// Local files are for the operator's own config, not for a
			// remote API call.
			writeError(w, http.StatusBadRequest, fmt.Errorf("feed %q: only http(s) feeds can be added over the API", u))
			return
		}
	}
	ctx := r.Context()
	if _, err := h.st.SourceBySlug(ctx, cs.Slug); err == nil {
		writeError(w, http.StatusConflict, fmt.Errorf("source %q exists", cs.Slug))
		return
	}
	now := h.opt.Now()
	s := cs.Source
	s.CreatedAt, s.UpdatedAt = now, now
	if err := h.st.PutSource(ctx, &s); err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	var feeds []crosswire.Feed
	for _, u := range cs.Feeds {
		f := crosswire.Feed{SourceID: s.ID, URL: u, Interval: h.opt.Interval, NextPollAt: now}
		if err := h.st.PutFeed(ctx, &f); err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		feeds = append(feeds, f)
	}
	h.opt.Logger.Info("admin: source added", "slug", s.Slug)
	writeJSON(w, http.StatusCreated, toJSON(s, feeds))
}

func (h *Handler) pause(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if err := h.st.SetSourcePaused(r.Context(), slug, paused); err != nil {
			writeStoreError(w, err)
			return
		}
		h.opt.Logger.Info("admin: source paused", "slug", slug, "paused", paused)
		writeJSON(w, http.StatusOK, map[string]any{"slug": slug, "paused": paused})
	}
}

func (h *Handler) putRules(w http.ResponseWriter, r *http.Request) {
	var rules crosswire.Rules
	if err := decode(r, &rules); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	s, err := h.st.SourceBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		writeStoreError(w, err)
		return
	}
	s.Rules = rules
	s.UpdatedAt = h.opt.Now()
	if err := h.st.PutSource(ctx, &s); err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	h.opt.Logger.Info("admin: rules changed", "slug", s.Slug)
	writeJSON(w, http.StatusOK, s.Rules)
}

func (h *Handler) deleteSource(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("purge") != "1" {
		writeError(w, http.StatusBadRequest, errors.New("deleting a source deletes its archive: confirm with ?purge=1, or pause it instead"))
		return
	}
	slug := r.PathValue("slug")
	if err := h.st.DeleteSource(r.Context(), slug); err != nil {
		writeStoreError(w, err)
		return
	}
	h.opt.Logger.Info("admin: source deleted", "slug", slug)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) merge(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Into int64   `json:"into"`
		From []int64 `json:"from"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	moved, err := story.Merge(r.Context(), h.st, in.Into, in.From, h.opt.Now())
	if err != nil {
		writeStoreError(w, err)
		return
	}
	h.opt.Logger.Info("admin: stories merged", "into", in.Into, "from", in.From, "moved", moved)
	writeJSON(w, http.StatusOK, map[string]any{"story": in.Into, "moved": moved})
}

func (h *Handler) split(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Articles []int64 `json:"articles"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	id, err := story.Split(r.Context(), h.st, in.Articles, h.opt.Now())
	if err != nil {
		writeStoreError(w, err)
		return
	}
	h.opt.Logger.Info("admin: story split", "articles", in.Articles, "story", id)
	writeJSON(w, http.StatusOK, map[string]any{"story": id, "articles": in.Articles})
}

// decode reads a JSON body of at most 1 MiB, rejecting unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	return nil
}

func writeStoreError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, crosswire.ErrNotFound):
		writeError(w, http.StatusNotFound, err)
	case errors.Is(err, crosswire.ErrConflict):
		writeError(w, http.StatusConflict, err)
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, err)
	default:
		writeError(w, http.StatusInternalServerError, err)
	}
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
