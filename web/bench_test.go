package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crosswire"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmarks
// measure the server rather than a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }

// benchFixture is a hub of 8 outlets with 2,000 articles of realistic
// size, a fifth of them grouped into stories.
func benchFixture(b *testing.B, ttl time.Duration) (*fixture, int64) {
	f := newFixture(b, Options{CacheTTL: ttl, Perspectives: []string{"a", "b", "c"}})
	owners := crosswire.Ownerships
	var srcs []*crosswire.Source
	for i := range 8 {
		srcs = append(srcs, f.source(fmt.Sprintf("outlet-%d", i), fmt.Sprintf("Outlet %d", i), owners[i%len(owners)], func(s *crosswire.Source) {
			s.Perspective = string(rune('a' + i%3))
		}))
	}
	para := "<p>" + strings.Repeat("Officials said the talks would continue next week in the capital. ", 8) + "</p>"
	text := strings.Repeat("Officials said the talks would continue next week in the capital. ", 8)
	var arts []*crosswire.Article
	for i := range 2000 {
		a := f.article(srcs[i%len(srcs)], fmt.Sprintf("Headline number %d about the talks", i), t0.Add(-time.Duration(2000-i)*time.Minute), func(a *crosswire.Article) {
			a.Content = strings.Repeat(para, 10)
			a.Text = strings.Repeat(text+"\n\n", 10)
		})
		arts = append(arts, a)
	}
	for i := 0; i+4 < 400; i += 5 {
		f.story(arts[1990-i].Title, arts[1990-i], arts[1991-i], arts[1992-i], arts[1993-i])
	}
	return f, arts[1990].ID
}

func benchGet(b *testing.B, f *fixture, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &discardWriter{h: http.Header{}}
	f.srv.ServeHTTP(w, req) // warm the cache
	if w.status != http.StatusOK {
		b.Fatalf("GET %s: %d", path, w.status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.h = http.Header{}
		f.srv.ServeHTTP(w, req)
	}
}

func benchGetParallel(b *testing.B, f *fixture, path string) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for pb.Next() {
			w := &discardWriter{h: http.Header{}}
			f.srv.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Errorf("GET %s: %d", path, w.status)
				return
			}
		}
	})
}

func BenchmarkPages(b *testing.B) {
	cached, id := benchFixture(b, time.Hour)
	uncached, uid := benchFixture(b, -1)
	pages := []struct{ name, path, upath string }{
		{"home", "/", "/"},
		{"article", fmt.Sprintf("/articles/%d", id), fmt.Sprintf("/articles/%d", uid)},
		{"feed.xml", "/feed.xml", "/feed.xml"},
	}
	for _, p := range pages {
		b.Run(p.name+"/cached", func(b *testing.B) { benchGet(b, cached, p.path) })
		b.Run(p.name+"/cached-parallel", func(b *testing.B) { benchGetParallel(b, cached, p.path) })
		b.Run(p.name+"/uncached", func(b *testing.B) { benchGet(b, uncached, p.upath) })
	}
}
