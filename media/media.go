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

// Mirror downloads and serves images. It is safe for concurrent use.
type Mirror struct {
	Dir      string // root of the content-addressed files
	Fetcher  Fetcher
	Store    crosswire.MediaStore
	MaxBytes int64 // per image; default DefaultMaxBytes
	// Prefix is the URL path the files are served under and written into
	// localized articles, with the site's base path if it has one (for
	// example "/hub/media/"); default "/media/".
	Prefix string
	Now    func() time.Time
}

// DefaultMaxBytes caps one mirrored image: a news photo is well under it,
// a poster-sized original is not worth the disk.
const DefaultMaxBytes = 5 << 20

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

// ErrNotHTTP is returned for an address that is not http(s).
var ErrNotHTTP = errors.New("not an http(s) address")

// sniff names the image type of data from its first bytes. It is
// http.DetectContentType, which does not know AVIF (an ISO-BMFF file whose
// ftyp brand is avif or avis).
func sniff(data []byte) string {
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		if b := string(data[8:12]); b == "avif" || b == "avis" {
			return "image/avif"
		}
	}
	return http.DetectContentType(data)
}

func (m *Mirror) prefix() string {
	if m.Prefix == "" {
		return "/media/"
	}
	return m.Prefix
}

// Fetch mirrors one http(s) image URL and returns its record. A URL
// mirrored before is not downloaded again (unless its file has gone from
// the disk), and the same bytes under two URLs are stored once.
func (m *Mirror) Fetch(ctx context.Context, raw string) (crosswire.Media, error) {
	if !isHTTP(raw) {
		// The fetcher also reads local files when private addresses are
		// allowed; an article must never make it do so.
		return crosswire.Media{}, fmt.Errorf("mirror %q: %w", raw, ErrNotHTTP)
	}
	if md, err := m.Store.MediaByURL(ctx, raw); err == nil {
		if fileName.MatchString(md.File) {
			if _, err := os.Stat(m.path(md.File)); err == nil {
				return md, nil
			}
		}
	} else if !errors.Is(err, crosswire.ErrNotFound) {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, err)
	}
	resp, err := m.Fetcher.Get(ctx, fetch.Request{URL: raw, Accept: "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9"})
	if err != nil {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %w", raw, err)
	}
	max := m.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	if int64(len(resp.Body)) > max {
		return crosswire.Media{}, fmt.Errorf("mirror %s: %d bytes, cap %d: %w", raw, len(resp.Body), max, fetch.ErrTooLarge)
	}
	// Trust the bytes, not the header: outlets mislabel images, and a
	// header saying image/svg+xml must not smuggle a script in.
	ctype := sniff(resp.Body)
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

// write stores the bytes atomically: written and synced under a temporary
// name in the target directory, then renamed, so a reader (or a crash)
// never sees half a file. An existing file (same hash, same bytes) is kept.
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
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	// CreateTemp makes the file private; a front web server may serve
	// the directory.
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
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

// ServeHTTP serves a mirrored file: GET .../{sha256}.{ext}, the last path
// segment naming the file, wherever the handler is mounted (a proxy may
// strip the site's base path from Prefix). The name is the hash of the
// bytes, so the answer never changes and is cached forever.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
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
	if ctype == "" {
		http.NotFound(w, r)
		return
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
