package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

type ctxKey int

const requestIDKey ctxKey = 0

// requestID returns the request's ID set by the middleware.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusWriter remembers what was written so the access log can tell.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	cache  string // "hit", "miss" or "" (not cacheable)
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// markCache records a cache outcome for the access log.
func markCache(w http.ResponseWriter, outcome string) {
	if sw, ok := w.(*statusWriter); ok {
		sw.cache = outcome
	}
}

// serve is the middleware chain around the mux.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := validRequestID(r.Header.Get("X-Request-ID"))
	if id == "" {
		id = fmt.Sprintf("%s-%d", s.reqPrefix, s.reqSeq.Add(1))
	}
	h := w.Header()
	h.Set("X-Request-ID", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	// No page needs a script: forbid them outright as a second line of
	// defence behind the sanitizer and template escaping.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'none'; style-src 'self'; img-src http: https: data:; media-src http: https:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

	sw := &statusWriter{ResponseWriter: w}
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))

	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", id),
				slog.String("path", r.URL.Path),
				slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())))
			if sw.status == 0 {
				s.renderError(sw, r, http.StatusInternalServerError)
			}
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", time.Since(start)),
		}
		if sw.cache != "" {
			attrs = append(attrs, slog.String("cache", sw.cache))
		}
		if s.opt.Observe != nil {
			s.opt.Observe(r.Pattern, r.Method, status, time.Since(start))
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "http request", attrs...)
	}()
	s.mux.ServeHTTP(sw, r)
}

// validRequestID accepts a caller's request ID only if it is short and
// plain, so it cannot inject anything into logs or headers.
func validRequestID(id string) string {
	if id == "" || len(id) > 64 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return ""
		}
	}
	return id
}
