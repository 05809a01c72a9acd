package transfer

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// convert turns a value as the SQLite driver returns it (int64, float64,
// string, []byte or nil) into what the PostgreSQL column of kind k takes.
func convert(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindInt:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case kindFloat:
		switch n := v.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		}
	case kindBool:
		if n, ok := v.(int64); ok {
			return n != 0, nil
		}
	case kindTime:
		if n, ok := v.(int64); ok {
			return time.UnixMilli(n).UTC(), nil
		}
	case kindJSON:
		s, ok := text(v)
		if !ok {
			break
		}
		// The SQLite store writes an empty list as "", the PostgreSQL one
		// as NULL.
		if s == "" {
			return nil, nil
		}
		if !json.Valid([]byte(s)) {
			return nil, errors.New("invalid JSON")
		}
		// pgx sends a string to a jsonb column as JSON text, unchanged.
		return s, nil
	case kindText:
		s, ok := text(v)
		if !ok {
			break
		}
		// PostgreSQL text holds neither; say which row instead of failing
		// a whole batch with a bare encoding error.
		if strings.IndexByte(s, 0) >= 0 {
			return nil, errors.New("text contains a NUL byte, which PostgreSQL text cannot hold")
		}
		if !utf8.ValidString(s) {
			return nil, errors.New("text is not valid UTF-8")
		}
		return s, nil
	case kindBytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%T value in a %s column", v, k)
}

func text(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

// checksum hashes rows in a canonical encoding that both sides produce for
// equal content: each value is a tag byte and its bytes, times as unix
// milliseconds, booleans as 0/1, JSON re-encoded (jsonb reorders keys and
// drops spaces), "" JSON as NULL. The SQLite side encodes the raw stored
// values itself rather than through convert, so a conversion mistake shows
// up as a difference instead of being made twice.
type checksum struct {
	h    hash.Hash
	buf  []byte
	rows int64
}

const (
	tagNull  = 'N'
	tagInt   = 'I'
	tagFloat = 'F'
	tagBool  = 'B'
	tagTime  = 'T'
	tagJSON  = 'J'
	tagText  = 'S'
	tagBytes = 'X'
)

func (c *checksum) fixed(tag byte, u uint64) {
	c.buf = append(c.buf[:0], tag)
	c.buf = binary.BigEndian.AppendUint64(c.buf, u)
	c.h.Write(c.buf)
}

func (c *checksum) variable(tag byte, b []byte) {
	c.buf = append(c.buf[:0], tag)
	c.buf = binary.AppendUvarint(c.buf, uint64(len(b)))
	c.h.Write(c.buf)
	c.h.Write(b)
}

func (c *checksum) null() { c.h.Write([]byte{tagNull}) }

func (c *checksum) bool(b bool) {
	var u uint64
	if b {
		u = 1
	}
	c.fixed(tagBool, u)
}

func (c *checksum) json(s string) error {
	if s == "" {
		c.null()
		return nil
	}
	b, err := canonicalJSON(s)
	if err != nil {
		return err
	}
	c.variable(tagJSON, b)
	return nil
}

// sqliteValue adds one value as SQLite stores it.
func (c *checksum) sqliteValue(k kind, v any) error {
	if v == nil {
		c.null()
		return nil
	}
	switch k {
	case kindInt:
		if n, ok := v.(int64); ok {
			c.fixed(tagInt, uint64(n))
			return nil
		}
	case kindFloat:
		switch n := v.(type) {
		case float64:
			c.fixed(tagFloat, math.Float64bits(n))
			return nil
		case int64:
			c.fixed(tagFloat, math.Float64bits(float64(n)))
			return nil
		}
	case kindBool:
		if n, ok := v.(int64); ok {
			c.bool(n != 0)
			return nil
		}
	case kindTime:
		if n, ok := v.(int64); ok {
			c.fixed(tagTime, uint64(n))
			return nil
		}
	case kindJSON:
		if s, ok := text(v); ok {
			return c.json(s)
		}
	case kindText:
		if s, ok := text(v); ok {
			c.variable(tagText, []byte(s))
			return nil
		}
	case kindBytes:
		if b, ok := v.([]byte); ok {
			c.variable(tagBytes, b)
			return nil
		}
	}
	return fmt.Errorf("%T value in a %s column", v, k)
}

// postgresValue adds one value as pgx decodes it; JSON columns are read
// as text.
func (c *checksum) postgresValue(k kind, v any) error {
	if v == nil {
		c.null()
		return nil
	}
	switch n := v.(type) {
	case int16:
		c.fixed(tagInt, uint64(int64(n)))
	case int32:
		c.fixed(tagInt, uint64(int64(n)))
	case int64:
		c.fixed(tagInt, uint64(n))
	case float32:
		c.fixed(tagFloat, math.Float64bits(float64(n)))
	case float64:
		c.fixed(tagFloat, math.Float64bits(n))
	case bool:
		c.bool(n)
	case time.Time:
		c.fixed(tagTime, uint64(n.UnixMilli()))
	case string:
		if k == kindJSON {
			return c.json(n)
		}
		c.variable(tagText, []byte(n))
	case []byte:
		c.variable(tagBytes, n)
	default:
		return fmt.Errorf("%T value in a %s column", v, k)
	}
	return nil
}

// canonicalJSON re-encodes a JSON document with sorted object keys, no
// insignificant space and numbers in one spelling (100, not 1e2 or 100.0).
func canonicalJSON(s string) ([]byte, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the value")
	}
	return json.Marshal(canonicalNumbers(v))
}

func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return json.Number(strconv.FormatInt(int64(f), 10))
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return x
	case []any:
		for i := range x {
			x[i] = canonicalNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = canonicalNumbers(x[k])
		}
	}
	return v
}
