package web

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/url"
	"sync/atomic"
	"time"

	"crosswire"
)

// outlet is a source as the site shows it, with its disclaimer rendered
// once per load rather than once per page.
type outlet struct {
	crosswire.Source
	disclaimer template.HTML
	feedURL    string // the outlet's own http(s) feed, for attribution; may be empty
	view       outletView
}

// snapshot is the list of sources as last read from the store. Sources
// are few and read on every page, so they are kept in memory and reread
// when the store's LastChange moves or the snapshot is older than the
// cache TTL (a source edited from the CLI does not move LastChange).
type snapshot struct {
	loadedAt    time.Time
	lastChange  time.Time
	fingerprint uint64
	outlets     []*outlet // ordered by name, as the store lists them
	byID        map[int64]*outlet
	bySlug      map[string]*outlet
	open        atomic.Pointer[openSet]
}

// openSet is which outlets may be shown, valid for times in [from, until).
type openSet struct {
	from, until time.Time
	outlets     []*outlet
	ids         []int64
	hash        uint64
}

// version identifies everything a cached rendering depends on that can be
// read cheaply: when the entry's version differs, it is stale.
type version struct {
	lastChange int64
	sources    uint64
	open       uint64
}

// state is what one request sees: the time, the sources and which are open.
type state struct {
	now  time.Time
	snap *snapshot
	open *openSet
	ver  version
}

func (st *state) outlet(id int64) (*outlet, bool) {
	o, ok := st.snap.byID[id]
	if !ok || !o.RepublishOpen(st.now) {
		return nil, false
	}
	return o, true
}

func (st *state) outletBySlug(slug string) (*outlet, bool) {
	o, ok := st.snap.bySlug[slug]
	if !ok || !o.RepublishOpen(st.now) {
		return nil, false
	}
	return o, true
}

// state reads the request's view of the store: one LastChange query, and
// the sources when they need rereading.
func (s *Server) state(ctx context.Context) (*state, error) {
	now := s.opt.Now()
	lc, err := s.store.LastChange(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("last change: %w", err)
	}
	snap := s.snap.Load()
	if s.stale(snap, now, lc) {
		if snap, err = s.reloadSources(ctx, now, lc); err != nil {
			return nil, err
		}
	}
	open := snap.openAt(now)
	return &state{
		now:  now,
		snap: snap,
		open: open,
		ver:  version{lastChange: lc.UnixNano(), sources: snap.fingerprint, open: open.hash},
	}, nil
}

func (s *Server) stale(snap *snapshot, now, lc time.Time) bool {
	return snap == nil || !snap.lastChange.Equal(lc) || now.Before(snap.loadedAt) ||
		s.opt.CacheTTL < 0 || now.Sub(snap.loadedAt) >= s.opt.CacheTTL
}

func (s *Server) reloadSources(ctx context.Context, now, lc time.Time) (*snapshot, error) {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if cur := s.snap.Load(); !s.stale(cur, now, lc) {
		return cur, nil // another request reloaded it meanwhile
	}
	sources, err := s.store.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	feeds, err := s.store.Feeds(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	snap := &snapshot{
		loadedAt:   now,
		lastChange: lc,
		byID:       make(map[int64]*outlet, len(sources)),
		bySlug:     make(map[string]*outlet, len(sources)),
	}
	h := fnv.New64a()
	for _, src := range sources {
		o := &outlet{Source: src, disclaimer: renderMarkdown(src.Disclaimer)}
		snap.outlets = append(snap.outlets, o)
		snap.byID[src.ID] = o
		snap.bySlug[src.Slug] = o
		hashSource(h, src)
	}
	for _, f := range feeds {
		o := snap.byID[f.SourceID]
		if o == nil || o.feedURL != "" {
			continue
		}
		if u, err := url.Parse(f.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			o.feedURL = f.URL
			_, _ = h.Write([]byte(f.URL))
		}
	}
	for _, o := range snap.outlets {
		o.view = s.outletView(o)
	}
	snap.fingerprint = h.Sum64()
	s.snap.Store(snap)
	return snap, nil
}

// hashSource feeds everything a page or feed shows of a source into h, so
// an edit changes the fingerprint even if the store kept UpdatedAt.
func hashSource(h interface{ Write([]byte) (int, error) }, src crosswire.Source) {
	var b [8]byte
	num := func(v int64) {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		_, _ = h.Write(b[:])
	}
	str := func(v string) {
		num(int64(len(v)))
		_, _ = h.Write([]byte(v))
	}
	num(src.ID)
	for _, v := range []string{src.Slug, src.Name, src.Homepage, src.Country, string(src.Ownership), src.Language, src.Perspective, src.Disclaimer} {
		str(v)
	}
	if src.Republish {
		num(1)
	} else {
		num(0)
	}
	num(src.RepublishFrom.UnixNano())
	num(src.RepublishUntil.UnixNano())
	num(src.UpdatedAt.UnixNano())
}

// openAt returns the outlets open at now. The result is reused until the
// next time a window opens or closes.
func (snap *snapshot) openAt(now time.Time) *openSet {
	if o := snap.open.Load(); o != nil && !now.Before(o.from) && now.Before(o.until) {
		return o
	}
	o := &openSet{from: now, until: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	h := fnv.New64a()
	var b [8]byte
	for _, out := range snap.outlets {
		for _, t := range []time.Time{out.RepublishFrom, out.RepublishUntil} {
			if !t.IsZero() && t.After(now) && t.Before(o.until) {
				o.until = t
			}
		}
		if !out.RepublishOpen(now) {
			continue
		}
		o.outlets = append(o.outlets, out)
		o.ids = append(o.ids, out.ID)
		binary.LittleEndian.PutUint64(b[:], uint64(out.ID))
		_, _ = h.Write(b[:])
	}
	o.hash = h.Sum64()
	snap.open.Store(o)
	return o
}

// changedAt is when what the outlets show last changed by the publisher's
// hand or the clock: an edit, or a window opening or closing. Feeds use it
// with the store's LastChange for Last-Modified, so a window that opens on
// older articles still changes the feed's date.
func changedAt(outlets []*outlet, now time.Time) time.Time {
	var t time.Time
	for _, o := range outlets {
		for _, c := range []time.Time{o.UpdatedAt, o.RepublishFrom, o.RepublishUntil} {
			if c.After(t) && !c.After(now) {
				t = c
			}
		}
	}
	return t
}
