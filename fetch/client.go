package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Client fetches with the limits of its Options. It is safe for concurrent
// use; make one per process (it owns the connection pool and the per-host
// limits, which only work if shared).
type Client struct {
	opt       Options
	transport *http.Transport
	hosts     hostLimiter
	conns     chan struct{} // overall in-flight bound
	timeout   error         // cause of the total-timeout context
	bodies    sync.Pool     // *bodyReader
	exempt    func(netip.AddrPort) bool

	// Header values shared by every request: the transport only reads them.
	ua, acceptAny, acceptFeeds, acceptEncoding []string
}

// Request is one GET. ETag and LastModified are the validators stored from
// the previous 200 and are sent as If-None-Match / If-Modified-Since.
// Accept defaults to */* (see AcceptFeeds for polls).
type Request struct {
	URL          string
	ETag         string
	LastModified string
	Accept       string
}

// Response is a 2xx or a 304.
type Response struct {
	URL string // final address, after redirects

	// PermanentURL is the final address when every redirect on the way was
	// permanent (301/308): the caller should store it in place of the old
	// one. Empty when there was no redirect or any hop was temporary.
	PermanentURL string

	Status      int
	NotModified bool   // 304: Body is nil
	Body        []byte // decoded; owned by the caller

	// ContentType, ETag and LastModified come from the answer. On a 304
	// without them, ETag and LastModified repeat the request's, so the
	// caller can store what it gets either way.
	ContentType  string
	ETag         string
	LastModified string
	Header       http.Header // the final answer's headers; a few synthetic ones for files

	Duration time.Duration // whole Get, redirects included
	Bytes    int64         // body bytes as received (before decoding); headers not counted
}

// New returns a Client. See Options for the defaults.
func New(opt Options) *Client {
	return newClient(opt, nil)
}

// newClient lets tests exempt chosen addresses (their own httptest servers)
// from the guard while every other loopback address stays refused.
func newClient(opt Options, exempt func(netip.AddrPort) bool) *Client {
	opt = opt.withDefaults()
	c := &Client{
		opt:            opt,
		hosts:          hostLimiter{per: opt.PerHost, sems: make(map[string]chan struct{})},
		conns:          make(chan struct{}, opt.MaxConns),
		timeout:        fmt.Errorf("%w after %s", ErrTimeout, opt.Timeout),
		exempt:         exempt,
		ua:             []string{opt.UserAgent},
		acceptAny:      []string{"*/*"},
		acceptFeeds:    []string{AcceptFeeds},
		acceptEncoding: []string{"gzip, deflate"},
	}
	d := &net.Dialer{Timeout: opt.ConnectTimeout, KeepAlive: 30 * time.Second}
	if !opt.AllowPrivate {
		d.Control = c.checkDial
	}
	c.transport = &http.Transport{
		// No proxy: through one, the guard would only ever see the proxy's
		// address.
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    opt.ConnectTimeout,
		MaxIdleConns:           opt.MaxConns,
		MaxIdleConnsPerHost:    opt.PerHost,
		IdleConnTimeout:        90 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 256 << 10,
		// We send Accept-Encoding ourselves and decode, so the cap and the
		// timeout apply to the decoded bytes and deflate is understood too.
		DisableCompression: true,
	}
	return c
}

// CloseIdleConnections closes pooled keep-alive connections (on shutdown).
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Get fetches r.URL: an http(s) URL, a file:// URL or a plain path. Any
// answer but 2xx/304 is a *StatusError; other failures wrap ErrTooLarge,
// ErrPrivateAddress, ErrTooManyRedirects, ErrUnsupportedScheme, ErrTimeout
// or the context's error. Error strings name the URL.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	start := c.opt.Now()
	u, path, err := target(r.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", r.URL, err)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.opt.Timeout, c.timeout)
	defer cancel()
	if u == nil {
		return c.getFile(ctx, r, path, start)
	}

	cur := u
	permanent := true
	for redirects := 0; ; {
		sem, err := c.acquire(ctx, cur.Hostname())
		if err != nil {
			return nil, c.fail(ctx, u, cur.Redacted(), err)
		}
		res, err := c.transport.RoundTrip(c.newRequest(ctx, cur, r))
		if err != nil {
			c.release(sem)
			return nil, c.fail(ctx, u, cur.Redacted(), err)
		}

		switch code := res.StatusCode; {
		case code == http.StatusNotModified:
			discard(res.Body)
			c.release(sem)
			out := c.response(start, r.URL, cur, redirects, permanent, res)
			out.NotModified = true
			if out.ETag == "" {
				out.ETag = r.ETag
			}
			if out.LastModified == "" {
				out.LastModified = r.LastModified
			}
			return out, nil

		case code >= 200 && code < 300:
			body, n, err := c.readBody(res)
			res.Body.Close()
			c.release(sem)
			if err != nil {
				return nil, c.fail(ctx, u, cur.Redacted(), err)
			}
			out := c.response(start, r.URL, cur, redirects, permanent, res)
			out.Body, out.Bytes = body, n
			return out, nil

		case isRedirect(code) && res.Header.Get("Location") != "":
			loc := res.Header.Get("Location")
			discard(res.Body)
			c.release(sem)
			if redirects >= c.opt.MaxRedirects {
				return nil, c.fail(ctx, u, cur.Redacted(), fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, c.opt.MaxRedirects))
			}
			next, err := cur.Parse(loc)
			if err != nil {
				return nil, c.fail(ctx, u, cur.Redacted(), fmt.Errorf("bad redirect Location %q: %w", loc, err))
			}
			if next.Scheme != "http" && next.Scheme != "https" {
				// A remote server must never send us to a local file.
				return nil, c.fail(ctx, u, cur.Redacted(), fmt.Errorf("%w: redirect to %q", ErrUnsupportedScheme, next.Scheme))
			}
			if next.Host == "" {
				return nil, c.fail(ctx, u, cur.Redacted(), fmt.Errorf("redirect to %q has no host", loc))
			}
			permanent = permanent && (code == http.StatusMovedPermanently || code == http.StatusPermanentRedirect)
			next.Fragment, next.RawFragment = "", ""
			cur = next
			redirects++

		default:
			discard(res.Body)
			c.release(sem)
			se := &StatusError{URL: cur.Redacted(), Status: code}
			if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
				se.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), c.opt.Now())
			}
			return nil, se
		}
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func (c *Client) newRequest(ctx context.Context, u *url.URL, r Request) *http.Request {
	h := make(http.Header, 5)
	h["User-Agent"] = c.ua
	h["Accept-Encoding"] = c.acceptEncoding
	switch r.Accept {
	case "":
		h["Accept"] = c.acceptAny
	case AcceptFeeds:
		h["Accept"] = c.acceptFeeds
	default:
		h["Accept"] = []string{r.Accept}
	}
	// Validators go to every hop: after a temporary redirect they belong to
	// the final address, which is where they came from.
	if r.ETag != "" {
		h["If-None-Match"] = []string{r.ETag}
	}
	if r.LastModified != "" {
		h["If-Modified-Since"] = []string{r.LastModified}
	}
	req := (&http.Request{
		Method:     http.MethodGet,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       u.Host,
	}).WithContext(ctx)
	if u.User != nil {
		// Only the hop's own userinfo: credentials never follow a redirect.
		pw, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), pw)
	}
	return req
}

func (c *Client) response(start time.Time, raw string, cur *url.URL, redirects int, permanent bool, res *http.Response) *Response {
	out := &Response{
		URL:          raw, // as the caller wrote it, when there was no redirect
		Status:       res.StatusCode,
		ContentType:  res.Header.Get("Content-Type"),
		ETag:         res.Header.Get("ETag"),
		LastModified: res.Header.Get("Last-Modified"),
		Header:       res.Header,
	}
	if redirects > 0 {
		out.URL = cur.String()
		if permanent {
			out.PermanentURL = out.URL
		}
	}
	out.Duration = c.opt.Now().Sub(start)
	return out
}

// fail wraps err with the URL and, when the context ended, with why: the
// transport often says only "context canceled", and callers test for
// ErrTimeout / context.DeadlineExceeded / context.Canceled with errors.Is.
func (c *Client) fail(ctx context.Context, orig *url.URL, cur string, err error) error {
	return c.failAt(ctx, orig.Redacted(), cur, err)
}

func (c *Client) failAt(ctx context.Context, orig, cur string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
		if !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
	}
	if cur != orig {
		return fmt.Errorf("fetch %s (redirected to %s): %w", orig, cur, err)
	}
	return fmt.Errorf("fetch %s: %w", orig, err)
}

// target sorts an address into a network URL (u != nil) or a local path.
func target(raw string) (u *url.URL, path string, err error) {
	if raw == "" {
		return nil, "", errors.New("empty address")
	}
	if isWindowsPath(raw) {
		return nil, raw, nil
	}
	u, err = url.Parse(raw)
	if err != nil {
		return nil, "", err
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil, "", errors.New("no host in URL")
		}
		u.Scheme = strings.ToLower(u.Scheme)
		u.Fragment, u.RawFragment = "", ""
		return u, "", nil
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, "", fmt.Errorf("%w: file URL on host %q", ErrUnsupportedScheme, u.Host)
		}
		if u.Opaque != "" { // file:relative/path
			p, err := url.PathUnescape(u.Opaque)
			return nil, p, err
		}
		return nil, u.Path, nil
	case "":
		// A plain path: use it as written, so '%', '?' and '#' in file
		// names survive.
		return nil, raw, nil
	default:
		return nil, "", fmt.Errorf("%w %q", ErrUnsupportedScheme, u.Scheme)
	}
}

// isWindowsPath spots C:\ and C:/ so they are not read as a URL scheme "c".
func isWindowsPath(s string) bool {
	return len(s) >= 3 && s[1] == ':' && (s[2] == '\\' || s[2] == '/') &&
		(s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z')
}
