package feed

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// toUTF8 returns the document as UTF-8. The order of evidence: a byte order
// mark; the UTF-16/32 byte pattern of a leading '<'; then the declared
// charsets (HTTP header, XML prolog). A declaration of UTF-8 is believed only
// if the bytes are valid UTF-8: outlets routinely send windows-1251 labelled
// as UTF-8, and those bytes are decoded with a guessed legacy charset instead
// of being replaced by U+FFFD.
func toUTF8(data []byte, contentType string) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return validUTF8(data[3:]), nil
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return decodeWith(utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), data[4:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return decodeWith(utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), data[4:])
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data[2:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data[2:])
	}
	if len(data) >= 4 {
		switch {
		case data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] != 0:
			return decodeWith(utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), data)
		case data[0] != 0 && data[1] == 0 && data[2] == 0 && data[3] == 0:
			return decodeWith(utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), data)
		case data[0] == 0 && data[1] != 0:
			return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data)
		case data[0] != 0 && data[1] == 0:
			return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data)
		}
	}

	httpCS := httpCharset(contentType)
	xmlCS := prologCharset(data)
	valid := utf8.Valid(data)
	if valid && (isUTF8Name(httpCS) || isUTF8Name(xmlCS) || (httpCS == "" && xmlCS == "")) {
		return data, nil
	}
	for _, name := range []string{httpCS, xmlCS} {
		if name == "" || isUTF8Name(name) {
			continue
		}
		enc := lookupCharset(name)
		if enc == nil {
			continue
		}
		if isASCII(data) {
			return data, nil
		}
		return decodeWith(enc, data)
	}
	// Declared UTF-8 (or nothing usable declared).
	return validUTF8(data), nil
}

func decodeWith(enc encoding.Encoding, data []byte) ([]byte, error) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decode charset: %w", err)
	}
	return validUTF8(out), nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func isUTF8Name(name string) bool {
	switch normCharset(name) {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "us-ascii", "ascii":
		return true
	}
	return false
}

func normCharset(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	name = strings.Trim(name, `"'`)
	return strings.ReplaceAll(name, "_", "-")
}

// lookupCharset maps a declared charset name to a decoder; nil for names it
// does not know and for UTF-16/32 (which only a byte pattern can confirm).
func lookupCharset(name string) encoding.Encoding {
	n := normCharset(name)
	switch n {
	case "", "u16", "utf16", "utf-16", "utf-16le", "utf-16be", "ucs-2", "utf-32", "utf-32le", "utf-32be", "ucs-4":
		return nil
	case "mac-cyrillic", "maccyrillic", "x-mac-cyrillic", "x-mac-ukrainian":
		return charmap.MacintoshCyrillic
	case "cp866", "ibm866", "866", "csibm866":
		return charmap.CodePage866
	case "koi8-u":
		return charmap.KOI8U
	}
	if e, err := htmlindex.Get(n); err == nil && e != nil {
		return e
	}
	if e, err := ianaindex.IANA.Encoding(n); err == nil && e != nil {
		return e
	}
	return nil
}

// httpCharset is the charset parameter of a Content-Type header.
func httpCharset(ct string) string {
	if ct == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		// Tolerate "text/xml; charset=windows-1251;" and other near misses.
		i := strings.Index(strings.ToLower(ct), "charset=")
		if i < 0 {
			return ""
		}
		v := ct[i+len("charset="):]
		if j := strings.IndexAny(v, "; "); j >= 0 {
			v = v[:j]
		}
		return strings.Trim(v, `"'`)
	}
	return params["charset"]
}

// prologCharset is the encoding pseudo-attribute of the XML declaration.
func prologCharset(data []byte) string {
	i := firstSignificant(data)
	if i < 0 || !bytes.HasPrefix(data[i:], []byte("<?xml")) {
		return ""
	}
	decl := data[i:]
	if len(decl) > 512 {
		decl = decl[:512]
	}
	end := bytes.Index(decl, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl = decl[:end]
	k := bytes.Index(decl, []byte("encoding"))
	if k < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[k+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	rest = rest[1:]
	if j := bytes.IndexByte(rest, q); j >= 0 {
		return string(rest[:j])
	}
	return ""
}

// validUTF8 returns b when it is valid UTF-8. Otherwise the invalid bytes
// are decoded with a guessed single-byte charset: a document that is mostly
// UTF-8 keeps its valid sequences and only the stray bytes are re-read; a
// document with few valid multi-byte sequences is re-read whole (in
// windows-1251 text, a letter pair now and then happens to form valid UTF-8).
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	var g legacyGuess
	multi, invalid := 0, 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			invalid++
			g.add(b, i)
			i++
			continue
		}
		multi++
		i += n
	}
	wholesale := invalid > 2*multi
	if wholesale {
		// Judge the charset on every high byte, not only the invalid ones.
		g = legacyGuess{}
		for i, c := range b {
			if c >= utf8.RuneSelf {
				g.add(b, i)
			}
		}
	}
	cm := g.charmap()
	out := make([]byte, 0, len(b)+len(b)/2)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		if !wholesale {
			r, n := utf8.DecodeRune(b[i:])
			if !(r == utf8.RuneError && n <= 1) {
				out = append(out, b[i:i+n]...)
				i += n
				continue
			}
		}
		out = utf8.AppendRune(out, cm.DecodeByte(c))
		i++
	}
	return out
}

// legacyGuess picks the single-byte charset most likely to have produced
// some non-ASCII bytes. Cyrillic text has its high bytes in runs (whole
// words); Western European text has isolated accented letters between
// ASCII ones. Among Cyrillic charsets, lowercase letters dominate running
// text: windows-1251 puts them at 0xE0-0xFF, KOI8-R at 0xC0-0xDF.
type legacyGuess struct{ high, paired, upper, lower int }

func (g *legacyGuess) add(b []byte, i int) {
	c := b[i]
	g.high++
	if (i > 0 && b[i-1] >= 0x80) || (i+1 < len(b) && b[i+1] >= 0x80) {
		g.paired++
	}
	switch {
	case c >= 0xE0:
		g.lower++
	case c >= 0xC0:
		g.upper++
	}
}

func (g *legacyGuess) charmap() *charmap.Charmap {
	if g.high == 0 || g.paired*2 < g.high {
		return charmap.Windows1252
	}
	if g.upper > g.lower {
		return charmap.KOI8R
	}
	return charmap.Windows1251
}
