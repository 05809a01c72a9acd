package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestFilesHandler(t *testing.T) {
	dir := t.TempDir()
	body := []byte("<!doctype html><p>the same bytes</p>\n")
	if err := os.WriteFile(filepath.Join(dir, "home.html"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "feed.xml"), []byte("<rss/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-secret.txt")
	if err := os.WriteFile(secret, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })

	h, err := filesHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Mounted as serve mounts it, beside a catch-all that stands for the site.
	mux := http.NewServeMux()
	mux.Handle("GET /files/", h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "site", http.StatusTeapot) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/files/home.html", http.StatusOK, string(body)},
		{"/files/sub/feed.xml", http.StatusOK, "<rss/>"},
		{"/files/", http.StatusNotFound, ""},     // no listing of the directory
		{"/files/sub/", http.StatusNotFound, ""}, // nor of a subdirectory
		{"/files/missing.html", http.StatusNotFound, ""},
		{"/files/../" + filepath.Base(secret), http.StatusTeapot, ""}, // cleaned to /NAME: not under /files/
		{"/files/..%2f" + filepath.Base(secret), http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = tc.path // keep the path exactly as written
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (body %q)", resp.StatusCode, tc.status, got)
			}
			if tc.body != "" && string(got) != tc.body {
				t.Errorf("body %q, want %q", got, tc.body)
			}
			if string(got) == "outside" {
				t.Errorf("served a file outside the directory")
			}
		})
	}
}

func TestFilesHandlerRefusesBadDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing"), file} {
		if _, err := filesHandler(p); err == nil {
			t.Errorf("filesHandler(%s): no error", p)
		}
	}
}
