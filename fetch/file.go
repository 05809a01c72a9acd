package fetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// getFile reads a local feed (the offline demo's bundled samples) with the
// same cap and answer shape as a network fetch. Its validators come from size
// and mtime, so re-polling an unchanged file is a NotModified that never
// opens it.
func (c *Client) getFile(ctx context.Context, r Request, path string, start time.Time) (*Response, error) {
	fail := func(err error) error { return c.failAt(ctx, r.URL, r.URL, err) }
	if !c.opt.AllowPrivate {
		return nil, fail(fmt.Errorf("%w: local file", ErrPrivateAddress))
	}
	if err := ctx.Err(); err != nil {
		return nil, fail(err)
	}
	// Only the slot that bounds overall concurrency: files have no host.
	select {
	case c.conns <- struct{}{}:
		defer func() { <-c.conns }()
	case <-ctx.Done():
		return nil, fail(ctx.Err())
	}

	// Stat before opening: opening a FIFO would block until a writer came.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fail(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fail(fmt.Errorf("not a regular file (%s)", fi.Mode().Type()))
	}
	etag, lastMod := fileValidators(fi)
	out := &Response{
		URL:          r.URL,
		Status:       http.StatusOK,
		ContentType:  mime.TypeByExtension(filepath.Ext(path)),
		ETag:         etag,
		LastModified: lastMod,
	}
	out.Header = http.Header{"Etag": {etag}, "Last-Modified": {lastMod}}
	if out.ContentType != "" {
		out.Header.Set("Content-Type", out.ContentType)
	}
	if fileNotModified(r, etag, fi.ModTime()) {
		out.Status, out.NotModified = http.StatusNotModified, true
		out.Duration = c.opt.Now().Sub(start)
		return out, nil
	}
	max := c.opt.MaxBodyBytes
	if fi.Size() > max {
		return nil, fail(fmt.Errorf("%w (%d bytes, cap %d)", ErrTooLarge, fi.Size(), max))
	}

	f, err := os.Open(path)
	if err != nil {
		return nil, fail(err)
	}
	defer f.Close()
	// The file may grow between Stat and read: the limit still holds.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(ctxReader{ctx, f}, max+1)); err != nil {
		return nil, fail(err)
	}
	if int64(buf.Len()) > max {
		return nil, fail(fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, max))
	}
	out.Body = buf.Bytes()
	out.Bytes = int64(len(out.Body))
	out.Duration = c.opt.Now().Sub(start)
	return out, nil
}

// fileValidators: a weak ETag from size and mtime (nanoseconds, so two
// writes in one second differ) and Last-Modified from mtime.
func fileValidators(fi fs.FileInfo) (etag, lastModified string) {
	mt := fi.ModTime()
	etag = `W/"` + strconv.FormatInt(fi.Size(), 16) + "-" + strconv.FormatInt(mt.UnixNano(), 16) + `"`
	return etag, mt.UTC().Format(http.TimeFormat)
}

// fileNotModified follows RFC 9110 §13.2.2: If-None-Match decides when
// present; otherwise If-Modified-Since, at its one-second resolution.
func fileNotModified(r Request, etag string, mtime time.Time) bool {
	if r.ETag != "" {
		return strings.TrimPrefix(r.ETag, "W/") == strings.TrimPrefix(etag, "W/")
	}
	if r.LastModified == "" {
		return false
	}
	since, err := http.ParseTime(r.LastModified)
	return err == nil && !mtime.Truncate(time.Second).After(since)
}

// ctxReader stops a read between chunks once ctx is done, so the total
// timeout and cancellation hold for files too.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
