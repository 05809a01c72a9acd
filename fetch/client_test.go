package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"crosswire"
)

// validatingHandler serves body with both validators and answers 304 the way
// RFC 9110 says: If-None-Match decides when present, else If-Modified-Since.
func validatingHandler(body, etag string, mod time.Time, seen *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if inm == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !mod.Truncate(time.Second).After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(body))
	}
}

func TestConditionalGet(t *testing.T) {
	const body = "<rss><channel><title>t</title></channel></rss>"
	mod := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var hits atomic.Int32
	srv := serve(t, validatingHandler(body, `"v1"`, mod, &hits))
	c := testClient(t, Options{})
	ctx := context.Background()

	first, err := c.Get(ctx, Request{URL: srv.URL + "/feed"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != 200 || first.NotModified || string(first.Body) != body {
		t.Fatalf("first fetch: status %d notModified %v body %q", first.Status, first.NotModified, first.Body)
	}
	if first.ETag != `"v1"` || first.LastModified != mod.Format(http.TimeFormat) || first.ContentType != "application/rss+xml" {
		t.Fatalf("validators: etag %q lm %q ct %q", first.ETag, first.LastModified, first.ContentType)
	}
	if first.URL != srv.URL+"/feed" || first.PermanentURL != "" {
		t.Fatalf("URL %q PermanentURL %q", first.URL, first.PermanentURL)
	}

	tests := []struct {
		name    string
		req     Request
		want304 bool
	}{
		{"etag", Request{ETag: first.ETag}, true},
		{"last-modified", Request{LastModified: first.LastModified}, true},
		{"both", Request{ETag: first.ETag, LastModified: first.LastModified}, true},
		{"stale etag wins over fresh date", Request{ETag: `"v0"`, LastModified: first.LastModified}, false},
		{"older date", Request{LastModified: mod.Add(-time.Hour).Format(http.TimeFormat)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.URL = srv.URL + "/feed"
			res, err := c.Get(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.NotModified != tt.want304 {
				t.Fatalf("NotModified = %v, want %v (status %d)", res.NotModified, tt.want304, res.Status)
			}
			if tt.want304 {
				if res.Status != 304 || res.Body != nil || res.Bytes != 0 {
					t.Fatalf("304: status %d body %q bytes %d", res.Status, res.Body, res.Bytes)
				}
			} else if string(res.Body) != body {
				t.Fatalf("body %q", res.Body)
			}
			if res.ETag != `"v1"` || res.LastModified != first.LastModified {
				t.Fatalf("validators after %s: %q %q", tt.name, res.ETag, res.LastModified)
			}
		})
	}
}

// A 304 without validators must hand back the request's, so the caller
// stores the same thing either way.
func TestNotModifiedKeepsRequestValidators(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != `"a"` || r.Header.Get("If-Modified-Since") != "Mon, 03 Mar 2025 10:00:00 GMT" {
			t.Errorf("validators not sent: %v", r.Header)
		}
		w.WriteHeader(http.StatusNotModified)
	})
	res, err := testClient(t, Options{}).Get(context.Background(), Request{URL: srv.URL, ETag: `"a"`, LastModified: "Mon, 03 Mar 2025 10:00:00 GMT"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || res.ETag != `"a"` || res.LastModified != "Mon, 03 Mar 2025 10:00:00 GMT" {
		t.Fatalf("got %+v", res)
	}
}

func TestRequestHeaders(t *testing.T) {
	got := make(chan http.Header, 2)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Clone() })
	c := testClient(t, Options{})
	wantUA := "crosswire/" + crosswire.Version + " (+" + crosswire.ProjectURL + ")"

	if _, err := c.Get(context.Background(), Request{URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if h.Get("User-Agent") != wantUA {
		t.Errorf("User-Agent %q, want %q", h.Get("User-Agent"), wantUA)
	}
	if ae := h.Get("Accept-Encoding"); !strings.Contains(ae, "gzip") || !strings.Contains(ae, "deflate") {
		t.Errorf("Accept-Encoding %q", ae)
	}
	if h.Get("Accept") != "*/*" || h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Errorf("unexpected headers %v", h)
	}

	c2 := testClient(t, Options{UserAgent: "custom/1"})
	if _, err := c2.Get(context.Background(), Request{URL: srv.URL, Accept: AcceptFeeds}); err != nil {
		t.Fatal(err)
	}
	h = <-got
	if h.Get("User-Agent") != "custom/1" || h.Get("Accept") != AcceptFeeds {
		t.Errorf("custom UA/Accept not sent: %v", h)
	}
}

func TestContentEncoding(t *testing.T) {
	body := bytes.Repeat([]byte("<item><title>Новости &amp; news</title></item>\n"), 2000)
	tests := []struct {
		name, encoding string
		wire           []byte
	}{
		{"identity", "", body},
		{"gzip", "gzip", gzipped(t, body)},
		{"x-gzip", "x-gzip", gzipped(t, body)},
		{"deflate zlib", "deflate", zlibbed(t, body)},
		{"deflate raw", "deflate", deflated(t, body)},
		{"gzip label on plain body", "gzip", body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.Write(tt.wire)
			})
			res, err := testClient(t, Options{}).Get(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Body, body) {
				t.Fatalf("decoded %d bytes, want %d", len(res.Body), len(body))
			}
			if res.Bytes != int64(len(tt.wire)) {
				t.Fatalf("Bytes = %d, want wire size %d", res.Bytes, len(tt.wire))
			}
		})
	}

	t.Run("corrupt gzip", func(t *testing.T) {
		z := gzipped(t, body)
		z = z[:len(z)/2]
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z)
		})
		_, err := testClient(t, Options{}).Get(context.Background(), Request{URL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "gzip") || !strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("truncated gzip: %v", err)
		}
	})
	t.Run("unasked encoding", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("x"))
		})
		if _, err := testClient(t, Options{}).Get(context.Background(), Request{URL: srv.URL}); err == nil {
			t.Fatal("br body accepted without a decoder")
		}
	})
}

// chainHandler redirects through the status codes in ?codes=301,302,...
// (one per hop), then answers 200 "final". /loop redirects to itself.
func chainHandler(hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		codes := strings.Split(r.URL.Query().Get("codes"), ",")
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		if r.URL.Query().Get("codes") == "" || i >= len(codes) {
			if r.Header.Get("If-None-Match") == `"x"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Write([]byte("final"))
			return
		}
		code, _ := strconv.Atoi(codes[i])
		// Relative Location on purpose: it must resolve against the hop.
		w.Header().Set("Location", fmt.Sprintf("chain?codes=%s&i=%d", r.URL.Query().Get("codes"), i+1))
		w.WriteHeader(code)
	}
}

func TestRedirects(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, chainHandler(&hits))
	chain := func(codes string) string { return srv.URL + "/chain?codes=" + codes }
	final := func(codes string, n int) string { return fmt.Sprintf("%s&i=%d", chain(codes), n) }

	tests := []struct {
		name         string
		url          string
		maxRedirects int
		etag         string
		wantURL      string
		wantPerm     string
		wantErr      error
	}{
		{"no redirect", srv.URL + "/chain", 0, "", srv.URL + "/chain", "", nil},
		{"301 chain is permanent", chain("301,301"), 0, "", final("301,301", 2), final("301,301", 2), nil},
		{"308 is permanent", chain("308"), 0, "", final("308", 1), final("308", 1), nil},
		{"302 is not", chain("302"), 0, "", final("302", 1), "", nil},
		{"301 then 307 is not", chain("301,307"), 0, "", final("301,307", 2), "", nil},
		{"303 followed", chain("303"), 0, "", final("303", 1), "", nil},
		{"304 after 301 keeps the move", chain("301"), 0, `"x"`, final("301", 1), final("301", 1), nil},
		{"exactly five", chain("301,302,301,302,301"), 0, "", final("301,302,301,302,301", 5), "", nil},
		{"six is too many", chain("301,301,301,301,301,301"), 0, "", "", "", ErrTooManyRedirects},
		{"loop", srv.URL + "/loop", 0, "", "", "", ErrTooManyRedirects},
		{"limit of 1", chain("301,301"), 1, "", "", "", ErrTooManyRedirects},
		{"none allowed", chain("301"), -1, "", "", "", ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(t, Options{MaxRedirects: tt.maxRedirects})
			res, err := c.Get(context.Background(), Request{URL: tt.url, ETag: tt.etag})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.url) {
					t.Fatalf("error does not name the URL: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.URL != tt.wantURL || res.PermanentURL != tt.wantPerm {
				t.Fatalf("URL %q PermanentURL %q, want %q %q", res.URL, res.PermanentURL, tt.wantURL, tt.wantPerm)
			}
			if tt.etag != "" && !res.NotModified {
				t.Fatalf("validators not carried across the redirect: status %d", res.Status)
			}
			if tt.etag == "" && string(res.Body) != "final" {
				t.Fatalf("body %q", res.Body)
			}
		})
	}

	t.Run("loop stops at the limit", func(t *testing.T) {
		hits.Store(0)
		testClient(t, Options{MaxRedirects: 3}).Get(context.Background(), Request{URL: srv.URL + "/loop"})
		if n := hits.Load(); n != 4 {
			t.Fatalf("server saw %d requests, want 4 (1 + 3 redirects)", n)
		}
	})
}

func TestRedirectToOtherSchemesRefused(t *testing.T) {
	for _, loc := range []string{"file:///etc/passwd", "ftp://example.com/x", "gopher://x/"} {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusMovedPermanently)
		})
		_, err := testClient(t, Options{}).Get(context.Background(), Request{URL: srv.URL})
		if !errors.Is(err, ErrUnsupportedScheme) {
			t.Errorf("redirect to %s: err = %v", loc, err)
		}
	}
}

func TestStatusErrors(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Duration
	}{
		{"429 seconds", 429, "120", 120 * time.Second},
		{"503 seconds", 503, " 7 ", 7 * time.Second},
		{"503 http-date", 503, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"429 http-date in the past", 429, now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"429 garbage", 429, "soon", 0},
		{"429 negative", 429, "-5", 0},
		{"429 absurd is bounded", 429, "99999999999999", maxRetryAfter},
		{"429 without header", 429, "", 0},
		{"500 ignores Retry-After", 500, "60", 0},
		{"404", 404, "", 0},
		{"410", 410, "", 0},
		{"300 is not a redirect we follow", 300, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte("error page"))
			})
			res, err := testClient(t, Options{Now: func() time.Time { return now }}).Get(context.Background(), Request{URL: srv.URL + "/feed"})
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want *StatusError", res, err)
			}
			if se.Status != tt.status || se.RetryAfter != tt.want {
				t.Fatalf("Status %d RetryAfter %s, want %d %s", se.Status, se.RetryAfter, tt.status, tt.want)
			}
			if !strings.Contains(err.Error(), srv.URL+"/feed") || !strings.Contains(err.Error(), strconv.Itoa(tt.status)) {
				t.Fatalf("error string %q", err)
			}
		})
	}
}

func TestSizeCap(t *testing.T) {
	const capBytes = 64 << 10
	plain := bytes.Repeat([]byte("a"), capBytes+1)
	bomb := gzipped(t, make([]byte, 64<<20)) // 64 MiB of zeros in ~64 KB
	tests := []struct {
		name    string
		write   func(w http.ResponseWriter)
		wantErr bool
	}{
		{"exactly the cap", func(w http.ResponseWriter) { w.Write(plain[:capBytes]) }, false},
		{"announced by Content-Length", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(len(plain)))
			w.Write(plain)
		}, true},
		{"chunked, no length", func(w http.ResponseWriter) {
			for i := 0; i < len(plain); i += 4096 {
				w.Write(plain[i:min(i+4096, len(plain))])
				w.(http.Flusher).Flush()
			}
		}, true},
		{"gzip bomb", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}, true},
		{"deflate bomb", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "deflate")
			w.Write(zlibbed(t, make([]byte, 8<<20)))
		}, true},
		// Endless bodies: only stopping at the cap ends these (a client that
		// read everything before checking would run into the timeout).
		{"endless plain", func(w http.ResponseWriter) {
			chunk := make([]byte, 32<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, true},
		// A bomb that trickles: ~100 wire bytes per 32 KiB of zeros, so the
		// encoded size stays tiny for seconds; only the decoded cap stops it.
		{"endless gzip trickle", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			chunk := make([]byte, 32<<10)
			for {
				if _, err := zw.Write(chunk); err != nil {
					return
				}
				if zw.Flush() != nil {
					return
				}
				w.(http.Flusher).Flush()
				time.Sleep(5 * time.Millisecond)
			}
		}, true},
		{"gzip just under the cap", func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped(t, plain[:capBytes]))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) { tt.write(w) })
			res, err := testClient(t, Options{MaxBodyBytes: capBytes, Timeout: 3 * time.Second}).Get(context.Background(), Request{URL: srv.URL})
			if !tt.wantErr {
				if err != nil || len(res.Body) != capBytes {
					t.Fatalf("err %v", err)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), srv.URL) {
				t.Fatalf("err = %v, want ErrTooLarge naming the URL", err)
			}
		})
	}
}

// The total timeout covers the wait for headers and the body read; the
// caller's cancellation is reported as such, not as a timeout.
func TestSlowServer(t *testing.T) {
	stall := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		cancel  bool // cancel the caller's context instead of waiting for Timeout
	}{
		{"no headers", stall, false},
		{"body trickles", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<rss>"))
			w.(http.Flusher).Flush()
			stall(w, r)
		}, false},
		{"caller cancels", stall, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			timeout := 150 * time.Millisecond
			if tt.cancel {
				timeout = time.Minute
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			_, err := testClient(t, Options{Timeout: timeout}).Get(ctx, Request{URL: srv.URL + "/slow"})
			if !strings.Contains(fmt.Sprint(err), srv.URL+"/slow") {
				t.Fatalf("error does not name the URL: %v", err)
			}
			if tt.cancel {
				if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
					t.Fatalf("err = %v, want context.Canceled only", err)
				}
				return
			}
			if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want ErrTimeout and DeadlineExceeded", err)
			}
		})
	}
}

// Every kind of answer leaves the connection reusable, which is what keeps
// unchanged rounds cheap: one TCP connection for the whole sequence.
func TestConnectionReuse(t *testing.T) {
	var conns atomic.Int32
	z := gzipped(t, bytes.Repeat([]byte("<item/>"), 1000))
	srv := httptestServerCountingConns(t, &conns, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z)
		case "/304":
			w.WriteHeader(http.StatusNotModified)
		case "/404":
			http.NotFound(w, r)
		case "/moved":
			http.Redirect(w, r, "/plain", http.StatusMovedPermanently)
		default:
			w.Write([]byte("plain"))
		}
	})
	c := testClient(t, Options{})
	for i := 0; i < 3; i++ {
		for _, p := range []string{"/gzip", "/304", "/404", "/moved", "/plain"} {
			c.Get(context.Background(), Request{URL: srv.URL + p})
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 15 sequential requests, want 1", n)
	}
}

func httptestServerCountingConns(t *testing.T, n *atomic.Int32, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
