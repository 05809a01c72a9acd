// Package media mirrors the images of republished articles: each is
// downloaded once through the polite fetcher, stored on disk under the
// SHA-256 of its bytes, and served by the hub, so pages do not depend on
// the outlet's servers. The original URL of every copy is kept in the
// store.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"crosswire"
	"crosswire/fetch"
)

// Fetcher is the part of fetch.Client a mirror needs.
type Fetcher interface {
	Get(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Mirror downloads and serves images.
type Mirror struct {
	Dir      string // root of the content-addressed files
	Fetcher  Fetcher
	Store    crosswire.MediaStore
	MaxBytes int64  // per image; default 5 MiB
	Prefix   string // URL path they are served under; default "/media/"
	Now      func() time.Time
}

// allowedTypes are the image types served back. SVG is left out on
// purpose: it can carry script, and outlets' photos are raster images.
var allowedTypes = map[string]string{
	"image/jpeg": ".jpg",
	"image/png":  ".png",
	"image/gif":  ".gif",
	"image/webp": ".webp",
	"image/avif": ".avif",
}

// ErrNotImage is returned for a download that is not an allowed image.
var ErrNotImage = errors.New("not a supported image")

func (m *Mirror) prefix() string {
	if m.Prefix == "" {
		return "/media/"
	}
	return m.Prefix
}

// Fetch mirrors one image URL and returns its record; an image mirrored
// before is not downloaded again.
func (m *Mirror) Fetch(ctx context.Context, raw string) (crosswire.Media, error) {
	if md, err := m.Store.MediaByURL(ctx, raw); err == nil {
		return md, nil
	} else if !errors.Is(err, crosswire.ErrNotFound) {
		return crosswire.Media{}, err
	}
	resp, err := m.Fetcher.Get(ctx, fetch.Request{URL: raw, Accept: "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9"})
	if err != nil {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, err)
	}
	max := m.MaxBytes
	if max <= 0 {
		max = 5 << 20
	}
	if int64(len(resp.Body)) > max {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, fetch.ErrTooLarge)
	}
	// Trust the bytes, not the header: outlets mislabel images.
	ctype := http.DetectContentType(resp.Body)
	ext, ok := allowedTypes[ctype]
	if !ok {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w (%s)", raw, ErrNotImage, ctype)
	}
	sum := sha256.Sum256(resp.Body)
	hash := hex.EncodeToString(sum[:])
	name := hash + ext
	if err := m.write(name, resp.Body); err != nil {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, err)
	}
	md := crosswire.Media{URL: raw, File: name, ContentType: ctype, Size: int64(len(resp.Body)), FetchedAt: m.now()}
	if err := m.Store.PutMedia(ctx, md); err != nil {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, err)
	}
	return md, nil
}

func (m *Mirror) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

// path spreads files over 256 directories so none grows huge.
func (m *Mirror) path(name string) string {
	return filepath.Join(m.Dir, name[:2], name)
}

// write stores the bytes atomically; an existing file (same hash) is kept.
func (m *Mirror) write(name string, data []byte) error {
	p := m.path(name)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), p)
}

var imgSrc = regexp.MustCompile(`(<img\b[^>]*?\bsrc=")([^"]+)(")`)

// Localize mirrors every image of a sanitized HTML fragment and points its
// src at the hub's copy. Images that cannot be mirrored keep their
// original address; the errors are returned joined, for the log.
func (m *Mirror) Localize(ctx context.Context, fragment string) (string, error) {
	var errs []error
	out := imgSrc.ReplaceAllStringFunc(fragment, func(tag string) string {
		sub := imgSrc.FindStringSubmatch(tag)
		raw := unescapeAttr(sub[2])
		if strings.HasPrefix(raw, m.prefix()) || !isHTTP(raw) {
			return tag
		}
		md, err := m.Fetch(ctx, raw)
		if err != nil {
			errs = append(errs, err)
			return tag
		}
		return strings.Replace(tag, sub[0], sub[1]+m.prefix()+md.File+sub[3], 1)
	})
	return out, errors.Join(errs...)
}

func isHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// unescapeAttr undoes the escaping the sanitizer applies to attribute values.
func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

var fileName = regexp.MustCompile(`^[0-9a-f]{64}\.[a-z]{3,4}$`)

// ServeHTTP serves a mirrored file: GET {Prefix}{sha256}.{ext}. The name is
// the hash of the bytes, so the answer never changes and is cached forever.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, m.prefix())
	if !fileName.MatchString(name) {
		http.NotFound(w, r)
		return
	}
	ctype := ""
	for t, ext := range allowedTypes {
		if strings.HasSuffix(name, ext) {
			ctype = t
		}
	}
	f, err := os.Open(m.path(name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+strings.TrimSuffix(name, filepath.Ext(name))+`"`)
	http.ServeContent(w, r, "", time.Time{}, f)
}
