package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// response is one rendered page or feed, ready to be written or reused.
type response struct {
	status       int
	contentType  string
	cacheControl string
	body         []byte
	etag         string    // strong validator: a hash of body
	lastModified time.Time // zero: no Last-Modified header

	ver      version
	rendered time.Time
}

func newResponse(status int, contentType string, body []byte, lastModified time.Time) *response {
	sum := sha256.Sum256(body)
	return &response{
		status:       status,
		contentType:  contentType,
		cacheControl: "public, max-age=60",
		body:         body,
		etag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
		lastModified: lastModified.UTC().Truncate(time.Second),
	}
}

// pageCache keeps rendered responses by key (the normalized route and its
// parameters). An entry is used only while the request's version equals
// the one it was rendered at and it is younger than the TTL. Concurrent
// misses for one key render once.
//
// It is bounded: when full, an arbitrary entry (Go's map iteration order)
// is dropped, so a crawler walking every page cannot grow it without end.
type pageCache struct {
	max int

	mu       sync.RWMutex
	entries  map[string]*response
	inflight map[string]*flight
}

type flight struct {
	done chan struct{}
	resp *response
	err  error
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, entries: make(map[string]*response), inflight: make(map[string]*flight)}
}

func (c *pageCache) get(key string, ver version, now time.Time, ttl time.Duration) *response {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || e.ver != ver || now.Before(e.rendered) || now.Sub(e.rendered) >= ttl {
		return nil
	}
	return e
}

// do returns the cached response for key, or renders it with fn, sharing
// one rendering between concurrent callers. Only 200 answers are kept.
func (c *pageCache) do(ctx context.Context, key string, st *state, ttl time.Duration, fn func(context.Context) (*response, error)) (resp *response, hit bool, err error) {
	if ttl < 0 {
		resp, err = fn(ctx)
		return resp, false, err
	}
	if e := c.get(key, st.ver, st.now, ttl); e != nil {
		return e, true, nil
	}
	c.mu.Lock()
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if f.err == nil && f.resp.ver == st.ver {
			return f.resp, true, nil
		}
		resp, err = fn(ctx) // the shared one failed or saw another version
		return resp, false, err
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	c.mu.Unlock()

	// The rendering is shared: one caller going away must not fail the
	// others waiting for it.
	f.resp, f.err = fn(context.WithoutCancel(ctx))
	if f.err == nil {
		f.resp.ver, f.resp.rendered = st.ver, st.now
	}

	c.mu.Lock()
	delete(c.inflight, key)
	if f.err == nil && f.resp.status == http.StatusOK {
		if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
			for k := range c.entries {
				delete(c.entries, k)
				break
			}
		}
		c.entries[key] = f.resp
	}
	c.mu.Unlock()
	close(f.done)
	return f.resp, false, f.err
}

// write sends resp, or 304 Not Modified when the request's validators
// match (If-None-Match first, If-Modified-Since only without it, as RFC
// 9110 section 13.2.2 orders them).
func (resp *response) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if resp.status == http.StatusOK {
		h.Set("ETag", resp.etag)
		if !resp.lastModified.IsZero() {
			h.Set("Last-Modified", resp.lastModified.Format(http.TimeFormat))
		}
		if resp.cacheControl != "" {
			h.Set("Cache-Control", resp.cacheControl)
		}
		if notModified(r, resp.etag, resp.lastModified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Type", resp.contentType)
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
}

func notModified(r *http.Request, etag string, lastModified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, etag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastModified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !lastModified.After(t)
	}
	return false
}

// etagMatches applies the weak comparison of If-None-Match to a list.
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}
