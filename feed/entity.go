package feed

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Entities. XML knows five named entities plus those a DOCTYPE declares;
// feeds in the wild also use HTML's (&nbsp; &eacute; &mdash;) without any
// DTD, and put bare '&' in text and URLs. The decoder accepts all of it: XML
// entities, declared internal entities, numeric references, HTML named
// entities; anything else stays as literal text.
//
// Declared entities may reference each other, which is how "billion laughs"
// documents explode. Expansion is bounded by a budget of output bytes per
// document and a nesting depth; past either, references expand to nothing.

const (
	maxEntityDepth    = 8
	maxDeclaredEntity = 256
	minEntityBudget   = 1 << 20
	entityCost        = 32 // budget charged per reference followed
)

type entities struct {
	declared map[string][]byte
	budget   int // bytes declared entities may still produce
}

func newEntities(docLen int) *entities {
	return &entities{budget: minEntityBudget + docLen}
}

// declare reads <!ENTITY name "value"> declarations from a DOCTYPE's
// internal subset. Parameter and external entities are ignored: nothing is
// ever fetched.
func (e *entities) declare(subset []byte) {
	for {
		i := bytes.Index(subset, []byte("<!ENTITY"))
		if i < 0 {
			return
		}
		subset = subset[i+len("<!ENTITY"):]
		rest := bytes.TrimLeft(subset, " \t\r\n")
		if len(rest) == 0 || rest[0] == '%' {
			continue
		}
		n := 0
		for n < len(rest) && isNameByte(rest[n]) {
			n++
		}
		name := rest[:n]
		rest = bytes.TrimLeft(rest[n:], " \t\r\n")
		if len(name) == 0 || len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			continue // SYSTEM / PUBLIC: external, never loaded
		}
		q := rest[0]
		j := bytes.IndexByte(rest[1:], q)
		if j < 0 {
			return
		}
		if e.declared == nil {
			e.declared = make(map[string][]byte)
		}
		if len(e.declared) >= maxDeclaredEntity {
			return
		}
		if _, dup := e.declared[string(name)]; !dup { // the first declaration wins
			e.declared[string(name)] = rest[1 : 1+j]
		}
		subset = rest[1+j:]
	}
}

// appendDecoded appends s to dst with entity and character references
// decoded.
func (e *entities) appendDecoded(dst, s []byte) []byte {
	return e.decode(dst, s, 0)
}

func (e *entities) decode(dst, s []byte, depth int) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		n, out, ok := e.reference(dst, s, depth)
		if ok {
			dst = out
			s = s[n:]
			continue
		}
		dst = append(dst, '&')
		s = s[1:]
	}
}

// reference decodes the reference at the start of s (s[0] == '&'). It
// returns how many bytes it consumed.
func (e *entities) reference(dst, s []byte, depth int) (int, []byte, bool) {
	end := bytes.IndexByte(s, ';')
	if end < 2 || end > 40 {
		return 0, dst, false
	}
	name := s[1:end]
	if name[0] == '#' {
		r, ok := charRef(name[1:])
		if !ok {
			return 0, dst, false
		}
		return end + 1, utf8.AppendRune(dst, r), true
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':') {
			return 0, dst, false
		}
	}
	switch string(name) {
	case "lt":
		return end + 1, append(dst, '<'), true
	case "gt":
		return end + 1, append(dst, '>'), true
	case "amp":
		return end + 1, append(dst, '&'), true
	case "quot":
		return end + 1, append(dst, '"'), true
	case "apos":
		return end + 1, append(dst, '\''), true
	}
	if v, ok := e.declared[string(name)]; ok {
		// Every expansion is charged, even an empty one, so the number of
		// references followed is bounded too, not only the bytes produced.
		e.budget -= entityCost + len(v)
		if depth >= maxEntityDepth || e.budget <= 0 {
			return end + 1, dst, true
		}
		before := len(dst)
		dst = e.decode(dst, v, depth+1)
		e.budget -= len(dst) - before
		if e.budget < 0 {
			dst = dst[:before]
		}
		return end + 1, dst, true
	}
	if r := htmlEntity(s[:end+1]); r != "" {
		return end + 1, append(dst, r...), true
	}
	return 0, dst, false
}

func charRef(num []byte) (rune, bool) {
	var v uint64
	var err error
	if len(num) > 1 && (num[0] == 'x' || num[0] == 'X') {
		v, err = strconv.ParseUint(string(num[1:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(num), 10, 32)
	}
	if err != nil {
		return 0, false
	}
	r := rune(v)
	if r == 0 || !utf8.ValidRune(r) {
		return utf8.RuneError, true
	}
	if r >= 0x80 && r <= 0x9F {
		// Windows-1252 code points sent as numeric references (&#150;),
		// as HTML5 does.
		r = cp1252C1[r-0x80]
	}
	return r, true
}

// cp1252C1 maps U+0080..U+009F as browsers do for numeric references.
var cp1252C1 = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

// htmlEntity decodes one complete "&name;" reference with HTML's table, or
// returns "". html.UnescapeString also decodes legacy prefixes ("&copyx;"
// becomes "©x;"), which is not what a whole reference means, so only a
// result that consumed the whole reference counts.
func htmlEntity(ref []byte) string {
	s := string(ref)
	r := html.UnescapeString(s)
	if r == s || strings.HasSuffix(r, ";") || utf8.RuneCountInString(r) > 2 {
		return ""
	}
	return r
}
