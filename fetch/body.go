package fetch

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxPooledBuffer: larger buffers are dropped after use rather than pooled,
// so one huge document does not pin memory for the life of the process.
const maxPooledBuffer = 512 << 10

// errWireTooLarge: the encoded stream alone passed the cap (a compressed
// body that never ends, or a long run of empty deflate blocks).
var errWireTooLarge = errors.New("encoded body exceeds size cap")

// bodyReader holds everything reading one body needs, pooled on the Client
// so a 200 costs one allocation (the caller's copy of the body) instead of a
// fresh bufio, gzip and flate state each time.
type bodyReader struct {
	wire countingReader
	br   *bufio.Reader
	gz   gzip.Reader // its zero value is ready for Reset
	zl   io.ReadCloser
	fl   io.ReadCloser
	lim  io.LimitedReader
	buf  bytes.Buffer
}

// countingReader counts wire bytes and refuses to read past limit.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if room := c.limit - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	k, err := c.r.Read(p)
	c.n += int64(k)
	if c.n > c.limit {
		return k, errWireTooLarge
	}
	return k, err
}

func (c *Client) getBodyReader() *bodyReader {
	if b, ok := c.bodies.Get().(*bodyReader); ok {
		return b
	}
	return &bodyReader{br: bufio.NewReaderSize(nil, 32<<10)}
}

func (c *Client) putBodyReader(b *bodyReader) {
	b.wire = countingReader{}
	b.br.Reset(nil)
	b.lim = io.LimitedReader{}
	if b.buf.Cap() > maxPooledBuffer {
		b.buf = bytes.Buffer{}
	}
	b.buf.Reset()
	c.bodies.Put(b)
}

// readBody reads res.Body, decoding Content-Encoding, up to the cap. It
// returns a copy the caller owns and the number of wire bytes read.
func (c *Client) readBody(res *http.Response) ([]byte, int64, error) {
	max := c.opt.MaxBodyBytes
	// Compressed data can be slightly larger than what it encodes; the
	// margin keeps an incompressible body just under the cap legal.
	wireMax := max + max/64 + 1024
	enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding")))
	if res.ContentLength > wireMax || (enc == "" && res.ContentLength > max) {
		return nil, 0, fmt.Errorf("%w (%d bytes announced, cap %d)", ErrTooLarge, res.ContentLength, max)
	}

	b := c.getBodyReader()
	defer c.putBodyReader(b)
	b.wire = countingReader{r: res.Body, limit: wireMax}
	var dec io.Reader = &b.wire
	switch enc {
	case "", "identity":
		if res.ContentLength > 0 {
			b.buf.Grow(int(res.ContentLength))
		}
	case "gzip", "x-gzip":
		b.br.Reset(&b.wire)
		dec = b.br
		// Servers that label a plain body gzip exist; trust the magic.
		if magic, _ := b.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			if err := b.gz.Reset(b.br); err != nil {
				return nil, b.wire.n, decodeErr("gzip", err)
			}
			dec = &b.gz
		}
	case "deflate":
		// RFC 9110 says zlib-wrapped; some servers send raw DEFLATE.
		b.br.Reset(&b.wire)
		hdr, _ := b.br.Peek(2)
		var err error
		if len(hdr) == 2 && hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
			if b.zl == nil {
				b.zl, err = zlib.NewReader(b.br)
			} else {
				err = b.zl.(zlib.Resetter).Reset(b.br, nil)
			}
			dec = b.zl
		} else {
			if b.fl == nil {
				b.fl = flate.NewReader(b.br)
			} else {
				err = b.fl.(flate.Resetter).Reset(b.br, nil)
			}
			dec = b.fl
		}
		if err != nil {
			b.zl = nil // a failed NewReader leaves nothing reusable
			return nil, b.wire.n, decodeErr("deflate", err)
		}
	default:
		return nil, 0, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}

	b.lim = io.LimitedReader{R: dec, N: max + 1}
	_, err := b.buf.ReadFrom(&b.lim)
	switch {
	case errors.Is(err, errWireTooLarge):
		return nil, b.wire.n, fmt.Errorf("%w (over %d bytes on the wire)", ErrTooLarge, wireMax)
	case err != nil:
		if isFormatErr(err) || (dec != io.Reader(&b.wire) && errors.Is(err, io.ErrUnexpectedEOF)) {
			return nil, b.wire.n, decodeErr(enc, err)
		}
		return nil, b.wire.n, fmt.Errorf("read body: %w", err)
	case int64(b.buf.Len()) > max:
		return nil, b.wire.n, fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, max)
	}
	return bytes.Clone(b.buf.Bytes()), b.wire.n, nil
}

// isFormatErr tells a broken compressed stream from a failed read.
func isFormatErr(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.As(err, &corrupt) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrDictionary)
}

func decodeErr(enc string, err error) error {
	return fmt.Errorf("decode %s body: %w", enc, err)
}

// discard drains a little of a body we do not want, so the connection can be
// reused, then closes it. A large remainder is cheaper to drop with the
// connection than to read.
func discard(body io.ReadCloser) {
	if body == http.NoBody { // every 304: skip the drain's allocations
		return
	}
	_, _ = io.CopyN(io.Discard, body, 8<<10)
	_ = body.Close()
}
