package fetch

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileFeeds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sample feed.xml")
	if err := os.WriteFile(path, []byte("<rss>one</rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{path, "file://" + filepath.ToSlash(path), "file://localhost" + filepath.ToSlash(path)} {
		t.Run(addr, func(t *testing.T) {
			if err := os.WriteFile(path, []byte("<rss>one</rss>"), 0o644); err != nil {
				t.Fatal(err)
			}
			c := testClient(t, Options{})
			ctx := context.Background()
			first, err := c.Get(ctx, Request{URL: addr})
			if err != nil {
				t.Fatal(err)
			}
			if first.Status != 200 || string(first.Body) != "<rss>one</rss>" || first.ETag == "" || first.LastModified == "" {
				t.Fatalf("first read: %+v", first)
			}
			if first.URL != addr || first.ContentType == "" || first.Bytes != int64(len(first.Body)) {
				t.Fatalf("URL %q ContentType %q Bytes %d", first.URL, first.ContentType, first.Bytes)
			}

			for _, req := range []Request{
				{URL: addr, ETag: first.ETag, LastModified: first.LastModified},
				{URL: addr, ETag: first.ETag},
				{URL: addr, LastModified: first.LastModified},
			} {
				again, err := c.Get(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if !again.NotModified || again.Status != 304 || again.Body != nil || again.ETag != first.ETag {
					t.Fatalf("unchanged file re-read %+v with %+v", again, req)
				}
			}

			// A new version (other size, later mtime) is read again.
			if err := os.WriteFile(path, []byte("<rss>two, longer</rss>"), 0o644); err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(2 * time.Second)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
			for _, req := range []Request{
				{URL: addr, ETag: first.ETag},
				{URL: addr, LastModified: first.LastModified},
			} {
				changed, err := c.Get(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if changed.NotModified || string(changed.Body) != "<rss>two, longer</rss>" || changed.ETag == first.ETag {
					t.Fatalf("changed file: %+v", changed)
				}
			}
		})
	}
}

// Same size, same second: only the ETag (nanosecond mtime) tells them apart.
func TestFileETagSeesSubsecondChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.xml")
	os.WriteFile(path, []byte("aaaa"), 0o644)
	base := time.Date(2025, 5, 1, 10, 0, 0, 100, time.UTC)
	os.Chtimes(path, base, base)
	c := testClient(t, Options{})
	first, err := c.Get(context.Background(), Request{URL: path})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("bbbb"), 0o644)
	os.Chtimes(path, base.Add(time.Millisecond), base.Add(time.Millisecond))
	fi, _ := os.Stat(path)
	if !fi.ModTime().Equal(base.Add(time.Millisecond)) {
		t.Skip("file system keeps no sub-second mtimes")
	}
	res, err := c.Get(context.Background(), Request{URL: path, ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || string(res.Body) != "bbbb" {
		t.Fatalf("sub-second change missed: %+v", res)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.xml")
	os.WriteFile(big, make([]byte, 2048), 0o644)
	small := filepath.Join(dir, "small.xml")
	os.WriteFile(small, []byte("x"), 0o644)

	tests := []struct {
		name    string
		addr    string
		private bool
		want    error
		wantMsg string
	}{
		{"over the cap", big, true, ErrTooLarge, ""},
		{"missing", filepath.Join(dir, "nope.xml"), true, fs.ErrNotExist, ""},
		{"directory", dir, true, nil, "not a regular file"},
		{"files are private", small, false, ErrPrivateAddress, ""},
		{"file URL on another host", "file://example.com/etc/passwd", true, ErrUnsupportedScheme, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{AllowPrivate: tt.private, MaxBodyBytes: 1024})
			_, err := c.Get(context.Background(), Request{URL: tt.addr})
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.addr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %q should name %q and say %q", err, tt.addr, tt.wantMsg)
			}
		})
	}

	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := testClient(t, Options{}).Get(ctx, Request{URL: small})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestTarget(t *testing.T) {
	tests := []struct {
		raw      string
		wantURL  string // "" for a local path
		wantPath string
		wantErr  error
	}{
		{"https://example.com/feed.xml#frag", "https://example.com/feed.xml", "", nil},
		{"HTTP://Example.com/x", "http://Example.com/x", "", nil},
		{"examples/feeds/rt.xml", "", "examples/feeds/rt.xml", nil},
		{"/srv/feeds/a%20b?.xml", "", "/srv/feeds/a%20b?.xml", nil},
		{"file:///srv/feeds/a%20b.xml", "", "/srv/feeds/a b.xml", nil},
		{"file:examples/x.xml", "", "examples/x.xml", nil},
		{`C:\feeds\x.xml`, "", `C:\feeds\x.xml`, nil},
		{"ftp://example.com/x", "", "", ErrUnsupportedScheme},
		{"javascript:alert(1)", "", "", ErrUnsupportedScheme},
		{"http:///nohost", "", "", errors.New("any")},
		{"", "", "", errors.New("any")},
	}
	for _, tt := range tests {
		u, path, err := target(tt.raw)
		if tt.wantErr != nil {
			if err == nil || (tt.wantErr == ErrUnsupportedScheme && !errors.Is(err, tt.wantErr)) {
				t.Errorf("target(%q): err = %v, want %v", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("target(%q): %v", tt.raw, err)
			continue
		}
		gotURL := ""
		if u != nil {
			gotURL = u.String()
		}
		if gotURL != tt.wantURL || path != tt.wantPath {
			t.Errorf("target(%q) = %q, %q; want %q, %q", tt.raw, gotURL, path, tt.wantURL, tt.wantPath)
		}
	}
}
