package web

import (
	"bytes"
	"compress/gzip"
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
	gz           []byte    // body gzipped once at render time; nil when small
	etag         string    // strong validator: a hash of body
	gzETag       string    // gz's validator: a strong ETag must differ between encodings (RFC 9110 section 8.8.3.3)
	lastModified time.Time // zero: no Last-Modified header

	ver      version
	rendered time.Time
}

// gzipMin is the smallest body worth compressing.
const gzipMin = 1024

func newResponse(status int, contentType string, body []byte, lastModified time.Time) *response {
	sum := sha256.Sum256(body)
	resp := &response{
		status:       status,
		contentType:  contentType,
		cacheControl: "public, max-age=60",
		body:         body,
		etag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
		lastModified: lastModified.UTC().Truncate(time.Second),
	}
	if status == http.StatusOK && len(body) >= gzipMin {
		// Compressed once here, so a cached page costs no CPU per request.
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		if _, err := zw.Write(body); err == nil && zw.Close() == nil {
			resp.gz = buf.Bytes()
			resp.gzETag = strings.TrimSuffix(resp.etag, `"`) + `-gz"`
		}
	}
	return resp
}

// pageCache keeps rendered responses by key (the normalized route and its
// parameters). An entry is used only while the request's version equals
// the one it was rendered at and it is younger than the TTL. Concurrent
// misses for one key render once.
//
// It is bounded in entries and bytes: when full, arbitrary entries (Go's
// map iteration order) are dropped, so a crawler walking every page
// cannot grow it without end.
type pageCache struct {
	maxEntries int
	maxBytes   int

	mu       sync.RWMutex
	entries  map[string]*response
	bytes    int
	inflight map[string]*flight
}

type flight struct {
	done chan struct{}
	resp *response
	err  error
}

func newPageCache(maxEntries, maxBytes int) *pageCache {
	return &pageCache{maxEntries: maxEntries, maxBytes: maxBytes, entries: make(map[string]*response), inflight: make(map[string]*flight)}
}

func (resp *response) size() int { return len(resp.body) + len(resp.gz) }

// put stores resp under key, evicting others to stay in bounds. The
// caller holds c.mu.
func (c *pageCache) put(key string, resp *response) {
	if old, ok := c.entries[key]; ok {
		c.bytes -= old.size()
		delete(c.entries, key)
	}
	if resp.size() > c.maxBytes/4 {
		return // one huge answer must not flush everything else
	}
	for k, e := range c.entries {
		if len(c.entries) < c.maxEntries && c.bytes+resp.size() <= c.maxBytes {
			break
		}
		c.bytes -= e.size()
		delete(c.entries, k)
	}
	c.entries[key] = resp
	c.bytes += resp.size()
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
		c.put(key, f.resp)
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
	body, etag := resp.body, resp.etag
	if resp.gz != nil && acceptsGzip(r) {
		body, etag = resp.gz, resp.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	if resp.gz != nil {
		h.Set("Vary", "Accept-Encoding")
	}
	if resp.status == http.StatusOK {
		h.Set("ETag", etag)
		if !resp.lastModified.IsZero() {
			h.Set("Last-Modified", resp.lastModified.Format(http.TimeFormat))
		}
		if resp.cacheControl != "" {
			h.Set("Cache-Control", resp.cacheControl)
		}
		if notModified(r, resp) {
			h.Del("Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Type", resp.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// notModified applies the request's validators. Either encoding's ETag
// matches: both stand for the same content.
func notModified(r *http.Request, resp *response) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, resp.etag) || resp.gz != nil && etagMatches(inm, resp.gzETag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !resp.lastModified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !resp.lastModified.After(t)
	}
	return false
}

// acceptsGzip reports whether the client takes gzip (and did not refuse
// it with q=0).
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !strings.HasPrefix(params, "q=0") || strings.HasPrefix(params, "q=0.") && strings.Trim(params[4:], "0") != ""
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
