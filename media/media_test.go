package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"crosswire"
	"crosswire/fetch"
)

// memStore is a MediaStore in memory.
type memStore struct {
	mu sync.Mutex
	m  map[string]crosswire.Media
}

func (s *memStore) PutMedia(ctx context.Context, m crosswire.Media) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[m.URL] = m
	return nil
}

func (s *memStore) MediaByURL(ctx context.Context, url string) (crosswire.Media, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.m[url]
	if !ok {
		return m, crosswire.ErrNotFound
	}
	return m, nil
}

// site answers by URL and counts requests.
type site struct {
	mu    sync.Mutex
	pages map[string]page
	hits  map[string]int
}

type page struct {
	status int
	ctype  string
	body   []byte
}

func (s *site) Get(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[r.URL]++
	p, ok := s.pages[r.URL]
	if !ok || p.status == 404 {
		return nil, &fetch.StatusError{URL: r.URL, Status: 404}
	}
	return &fetch.Response{URL: r.URL, Status: 200, ContentType: p.ctype, Body: p.body}, nil
}

func (s *site) count(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[url]
}

func pngBytes(t testing.TB, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hashName(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]) + ext
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newMirror(t *testing.T, pages map[string]page) (*Mirror, *site, *memStore) {
	t.Helper()
	s := &site{pages: pages, hits: map[string]int{}}
	st := &memStore{m: map[string]crosswire.Media{}}
	return &Mirror{Dir: t.TempDir(), Fetcher: s, Store: st, Now: func() time.Time { return t0 }}, s, st
}

func TestFetchTypes(t *testing.T) {
	red := pngBytes(t, color.RGBA{255, 0, 0, 255})
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	webp := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), make([]byte, 24)...)
	avif := append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), make([]byte, 16)...)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	tests := []struct {
		name     string
		p        page
		wantType string // "" : refused
		wantExt  string
	}{
		{"png", page{200, "image/png", red}, "image/png", ".png"},
		{"png labelled as html", page{200, "text/html", red}, "image/png", ".png"},
		{"gif", page{200, "image/gif", gif}, "image/gif", ".gif"},
		{"webp", page{200, "image/webp", webp}, "image/webp", ".webp"},
		{"avif", page{200, "image/avif", avif}, "image/avif", ".avif"},
		{"svg", page{200, "image/svg+xml", svg}, "", ""},
		{"html", page{200, "image/jpeg", []byte("<!doctype html><title>Not found</title>")}, "", ""},
		{"empty", page{200, "image/png", nil}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const u = "https://cdn.example/img"
			m, _, st := newMirror(t, map[string]page{u: tt.p})
			md, err := m.Fetch(context.Background(), u)
			if tt.wantType == "" {
				if !errors.Is(err, ErrNotImage) {
					t.Fatalf("Fetch: %v, want ErrNotImage", err)
				}
				if len(st.m) != 0 {
					t.Errorf("a refused download was recorded: %v", st.m)
				}
				if n := countFiles(t, m.Dir); n != 0 {
					t.Errorf("a refused download left %d files", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			want := crosswire.Media{URL: u, File: hashName(tt.p.body, tt.wantExt), ContentType: tt.wantType, Size: int64(len(tt.p.body)), FetchedAt: t0}
			if md != want {
				t.Errorf("Fetch = %+v, want %+v", md, want)
			}
			if st.m[u] != want {
				t.Errorf("recorded %+v, want %+v", st.m[u], want)
			}
			got, err := os.ReadFile(filepath.Join(m.Dir, md.File[:2], md.File))
			if err != nil || !bytes.Equal(got, tt.p.body) {
				t.Errorf("file on disk: %d bytes, %v; want the %d downloaded", len(got), err, len(tt.p.body))
			}
		})
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestFetchOnce(t *testing.T) {
	red := pngBytes(t, color.RGBA{255, 0, 0, 255})
	const a, b = "https://cdn.example/a.png", "https://www.example/same-as-a.png"
	m, s, st := newMirror(t, map[string]page{a: {200, "image/png", red}, b: {200, "image/png", red}})
	ctx := context.Background()
	first, err := m.Fetch(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := m.Fetch(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || s.count(a) != 1 {
		t.Errorf("second Fetch of one URL: %+v after %d downloads; want the same record, 1 download", again, s.count(a))
	}
	// The same bytes under another URL: downloaded (we cannot know), one file.
	other, err := m.Fetch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if other.File != first.File || len(st.m) != 2 {
		t.Errorf("same bytes, two URLs: files %q and %q, %d records", first.File, other.File, len(st.m))
	}
	if n := countFiles(t, m.Dir); n != 1 {
		t.Errorf("%d files on disk, want 1 (no temporary file left)", n)
	}
	fi, err := os.Stat(filepath.Join(m.Dir, first.File[:2], first.File))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", fi.Mode().Perm())
	}

	// The media directory was wiped: the record alone is not trusted.
	if err := os.RemoveAll(filepath.Join(m.Dir, first.File[:2])); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fetch(ctx, a); err != nil {
		t.Fatal(err)
	}
	if s.count(a) != 2 || countFiles(t, m.Dir) != 1 {
		t.Errorf("after losing the file: %d downloads, %d files; want 2, 1", s.count(a), countFiles(t, m.Dir))
	}
}

func TestFetchRefuses(t *testing.T) {
	big := pngBytes(t, color.RGBA{0, 0, 255, 255})
	m, s, _ := newMirror(t, map[string]page{"https://cdn.example/big.png": {200, "image/png", big}})
	m.MaxBytes = int64(len(big) - 1)
	ctx := context.Background()
	if _, err := m.Fetch(ctx, "https://cdn.example/big.png"); !errors.Is(err, fetch.ErrTooLarge) {
		t.Errorf("image over the cap: %v, want ErrTooLarge", err)
	}
	if _, err := m.Fetch(ctx, "https://cdn.example/gone.png"); err == nil {
		t.Error("404: no error")
	}
	for _, raw := range []string{"file:///etc/passwd", "/etc/passwd", "data:image/png;base64,AAAA", "//cdn.example/x.png"} {
		if _, err := m.Fetch(ctx, raw); !errors.Is(err, ErrNotHTTP) {
			t.Errorf("Fetch(%q): %v, want ErrNotHTTP", raw, err)
		}
		if s.count(raw) != 0 {
			t.Errorf("Fetch(%q) reached the fetcher", raw)
		}
	}
	if n := countFiles(t, m.Dir); n != 0 {
		t.Errorf("%d files written", n)
	}
}

func TestLocalize(t *testing.T) {
	red := pngBytes(t, color.RGBA{255, 0, 0, 255})
	blue := pngBytes(t, color.RGBA{0, 0, 255, 255})
	m, _, _ := newMirror(t, map[string]page{
		"https://cdn.example/a.png?w=1&h=2": {200, "image/png", red},
		"https://cdn.example/b.png":         {200, "image/png", blue},
	})
	m.Prefix = "/hub/media/"
	in := `<p>Lead <img src="https://cdn.example/a.png?w=1&amp;h=2" alt="A &quot;red&quot; square"/></p>` +
		`<figure><img src="https://cdn.example/b.png" width="4"/><figcaption>Blue</figcaption></figure>` +
		`<p><img src="https://cdn.example/gone.png" alt="gone"/> <img src="/hub/media/` + hashName(red, ".png") + `"/></p>`
	out, err := m.Localize(context.Background(), in)
	want := `<p>Lead <img src="/hub/media/` + hashName(red, ".png") + `" alt="A &quot;red&quot; square"/></p>` +
		`<figure><img src="/hub/media/` + hashName(blue, ".png") + `" width="4"/><figcaption>Blue</figcaption></figure>` +
		`<p><img src="https://cdn.example/gone.png" alt="gone"/> <img src="/hub/media/` + hashName(red, ".png") + `"/></p>`
	if out != want {
		t.Errorf("Localize:\n got %s\nwant %s", out, want)
	}
	if err == nil || !strings.Contains(err.Error(), "gone.png") {
		t.Errorf("Localize error %v, want the failed image named", err)
	}
}

func TestServeHTTP(t *testing.T) {
	red := pngBytes(t, color.RGBA{255, 0, 0, 255})
	m, _, _ := newMirror(t, map[string]page{"https://cdn.example/a.png": {200, "image/png", red}})
	md, err := m.Fetch(context.Background(), "https://cdn.example/a.png")
	if err != nil {
		t.Fatal(err)
	}
	get := func(method, path string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		return w
	}
	w := get("GET", "/media/"+md.File)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), red) {
		t.Fatalf("GET: %d, %d bytes", w.Code, w.Body.Len())
	}
	for k, v := range map[string]string{
		"Content-Type":           "image/png",
		"Cache-Control":          "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff",
		"ETag":                   `"` + strings.TrimSuffix(md.File, ".png") + `"`,
	} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if w := get("GET", "/media/"+md.File, "If-None-Match", `"`+strings.TrimSuffix(md.File, ".png")+`"`); w.Code != 304 {
		t.Errorf("conditional GET: %d, want 304", w.Code)
	}
	if w := get("HEAD", "/media/"+md.File); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes", w.Code, w.Body.Len())
	}
	if w := get("POST", "/media/"+md.File); w.Code != 405 {
		t.Errorf("POST: %d, want 405", w.Code)
	}
	// Mounted below a base path that a proxy did not strip.
	if w := get("GET", "/hub/media/"+md.File); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), red) {
		t.Errorf("GET below a base path: %d", w.Code)
	}
	for _, p := range []string{
		"/media/" + strings.Repeat("0", 64) + ".png", // well-formed, absent
		"/media/" + md.File + "/",
		"/media/" + md.File[:2],
		"/media/" + strings.TrimSuffix(md.File, ".png") + ".svg",
		"/media/" + strings.TrimSuffix(md.File, ".png") + ".html",
		"/media/" + strings.ToUpper(md.File),
	} {
		if w := get("GET", p); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}
