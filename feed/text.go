package feed

import (
	"bytes"
	"encoding/base64"
	"html"
	"strings"
	"unicode/utf8"
)

// mode says how a captured element's content is to be read.
type mode uint8

const (
	modeText   mode = iota // plain text (Atom type="text")
	modeHTML               // escaped HTML: the decoded text is markup
	modeXHTML              // inline markup: child elements are the markup
	modeBase64             // base64 of HTML (Atom 0.3 mode="base64", binary types)
)

// construct is a captured text construct: where it is and how to read it.
type construct struct {
	sp   span
	mode mode
	set  bool
}

func (p *parser) construct(m mode) construct {
	sp := p.capture()
	if !sp.ok {
		return construct{}
	}
	if sp.child && m != modeBase64 && m != modeHTML {
		m = modeXHTML
	}
	return construct{sp: sp, mode: m, set: true}
}

// html returns the construct as an HTML fragment (not sanitized).
func (p *parser) html(c construct) string {
	if !c.set {
		return ""
	}
	switch c.mode {
	case modeText:
		return escapeText(p.spanText(c.sp))
	case modeBase64:
		return p.base64(c.sp)
	case modeXHTML:
		return p.spanMarkup(p.unwrapDiv(c.sp), true)
	}
	return p.spanMarkup(c.sp, false)
}

// plain returns the construct as plain text: entities decoded, markup
// removed, whitespace collapsed.
func (p *parser) plain(c construct) string {
	if !c.set {
		return ""
	}
	if c.mode == modeText {
		return collapse(p.spanText(c.sp))
	}
	return htmlToText(p.html(c))
}

// text returns a captured element's character data: text and CDATA of the
// element and its descendants, entities decoded.
func (p *parser) text() string {
	sp := p.capture()
	if !sp.ok {
		return ""
	}
	return strings.TrimSpace(p.spanText(sp))
}

func (p *parser) raw(sp span) []byte { return p.sc.src[sp.start:sp.end] }

func (p *parser) spanText(sp span) string {
	raw := p.raw(sp)
	if bytes.IndexByte(raw, '<') < 0 && bytes.IndexByte(raw, '&') < 0 {
		return string(raw)
	}
	buf := p.buf[:0]
	s := p.sub(raw)
	defer p.release(&s)
	for {
		s.next()
		switch s.tok.kind {
		case tokEOF:
			p.buf = buf
			return string(buf)
		case tokText:
			buf = p.ents.appendDecoded(buf, s.tok.text)
		case tokCDATA:
			buf = append(buf, s.tok.text...)
		}
	}
}

// spanMarkup serializes a span as HTML. Child elements become tags (local
// names, namespace declarations and prefixed attributes dropped). Text is
// decoded once; in XHTML mode it is then escaped again, because there the
// markup is the elements and the text is text. In HTML mode the decoded
// text is itself markup (RSS descriptions, Atom type="html").
func (p *parser) spanMarkup(sp span, xhtml bool) string {
	raw := p.raw(sp)
	if bytes.IndexByte(raw, '<') < 0 && bytes.IndexByte(raw, '&') < 0 {
		return string(raw)
	}
	if !xhtml {
		// The common case: the whole content is one CDATA section.
		t := bytes.TrimSpace(raw)
		if bytes.HasPrefix(t, []byte("<![CDATA[")) && bytes.HasSuffix(t, []byte("]]>")) {
			if body := t[9 : len(t)-3]; bytes.Index(body, []byte("]]>")) < 0 {
				return string(body)
			}
		}
	}
	buf := make([]byte, 0, len(raw)+len(raw)/8)
	s := p.sub(raw)
	defer p.release(&s)
	for {
		s.next()
		t := &s.tok
		switch t.kind {
		case tokEOF:
			return string(buf)
		case tokText:
			if xhtml {
				if bytes.IndexByte(t.text, '&') < 0 && bytes.IndexByte(t.text, '<') < 0 && bytes.IndexByte(t.text, '>') < 0 {
					buf = append(buf, t.text...)
				} else {
					p.buf = p.ents.appendDecoded(p.buf[:0], t.text)
					buf = appendEscaped(buf, p.buf, false)
				}
			} else {
				buf = p.ents.appendDecoded(buf, t.text)
			}
		case tokCDATA:
			if xhtml {
				buf = appendEscaped(buf, t.text, false)
			} else {
				buf = append(buf, t.text...)
			}
		case tokStart:
			_, local := splitName(t.name)
			buf = append(buf, '<')
			buf = append(buf, local...)
			for _, a := range t.attrs {
				if bytes.IndexByte(a.name, ':') >= 0 || string(a.name) == "xmlns" {
					continue
				}
				buf = append(buf, ' ')
				buf = append(buf, a.name...)
				buf = append(buf, '=', '"')
				p.buf = p.ents.appendDecoded(p.buf[:0], a.value)
				buf = appendEscaped(buf, p.buf, true)
				buf = append(buf, '"')
			}
			if t.selfClose {
				buf = append(buf, ' ', '/')
			}
			buf = append(buf, '>')
		case tokEnd:
			_, local := splitName(t.name)
			buf = append(buf, '<', '/')
			buf = append(buf, local...)
			buf = append(buf, '>')
		}
	}
}

// unwrapDiv drops the <div> that Atom requires around XHTML content, when
// it is the only element of the span.
func (p *parser) unwrapDiv(sp span) span {
	raw := p.raw(sp)
	s := p.sub(raw)
	defer p.release(&s)
	for {
		s.next()
		if s.tok.kind == tokText && isXMLSpace(s.tok.text) {
			continue
		}
		break
	}
	if s.tok.kind != tokStart || s.tok.selfClose {
		return sp
	}
	if _, local := splitName(s.tok.name); string(local) != "div" {
		return sp
	}
	innerStart := s.pos
	depth := 1
	for depth > 0 {
		s.next()
		switch s.tok.kind {
		case tokEOF:
			return sp
		case tokStart:
			if !s.tok.selfClose {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
	innerEnd := s.tok.start
	if !isXMLSpace(raw[s.pos:]) {
		return sp
	}
	return span{start: sp.start + innerStart, end: sp.start + innerEnd, child: true, base: sp.base, ok: true}
}

func (p *parser) base64(sp span) string {
	t := p.spanText(sp)
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, t)
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(clean, "="))
		if err != nil {
			return escapeText(t)
		}
	}
	if !utf8.Valid(b) {
		// Binary content (an image, say) has no HTML rendering.
		return ""
	}
	return string(b)
}

func appendEscaped(dst, s []byte, attr bool) []byte {
	for _, c := range s {
		switch c {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '"':
			if attr {
				dst = append(dst, "&quot;"...)
			} else {
				dst = append(dst, c)
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func escapeText(s string) string {
	if strings.IndexAny(s, "&<>") < 0 {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+16), []byte(s), false))
}

// collapse trims s and turns every run of ASCII whitespace (and of other
// C0 control characters, which have no place in plain text) into one space.
func collapse(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' && (c != ' ' || i == 0 || i == len(s)-1 || s[i+1] <= ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

// htmlToText renders an HTML fragment as one line of plain text: tags and
// comments removed, script/style bodies dropped, entities decoded,
// whitespace collapsed. It is deliberately forgiving: a comment that never
// closes with "-->" ends at the next '>', and an unclosed one drops the rest.
func htmlToText(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return collapse(html.UnescapeString(s))
	}
	var b strings.Builder
	b.Grow(len(s))
	text := func(t string) {
		b.WriteString(html.UnescapeString(t))
	}
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			text(s[i:])
			break
		}
		text(s[i : i+j])
		i += j
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			if k := strings.Index(rest[4:], "-->"); k >= 0 {
				i += 4 + k + 3
			} else if k := strings.IndexByte(rest[4:], '>'); k >= 0 {
				i += 4 + k + 1
			} else {
				i = len(s)
			}
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
			if k := strings.IndexByte(rest, '>'); k >= 0 {
				i += k + 1
			} else {
				i = len(s)
			}
		case len(rest) > 2 && rest[1] == '/' && isLetter(rest[2]):
			name, _ := tagName(rest[2:])
			k := strings.IndexByte(rest, '>')
			if k < 0 {
				i = len(s)
			} else {
				i += k + 1
			}
			if blockTag(name) {
				b.WriteByte(' ')
			}
		case len(rest) > 1 && isLetter(rest[1]):
			name, n := tagName(rest[1:])
			end := tagEnd(rest, 1+n)
			i += end
			lname := strings.ToLower(name)
			if lname == "script" || lname == "style" || lname == "template" || lname == "noscript" {
				i = skipRawText(s, i, lname)
				continue
			}
			if blockTag(lname) {
				b.WriteByte(' ')
			}
		default:
			b.WriteByte('<')
			i++
		}
	}
	return collapse(b.String())
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func tagName(s string) (string, int) {
	n := 0
	for n < len(s) && (isLetter(s[n]) || s[n] >= '0' && s[n] <= '9' || s[n] == ':' || s[n] == '-') {
		n++
	}
	return s[:n], n
}

// tagEnd returns the index just past the '>' that ends the tag starting at
// s[0], reading attributes so that a '>' inside a quoted value does not end
// it. An unterminated tag runs to the end of s.
func tagEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c == '>':
			return i + 1
		case c == '=':
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				if k := strings.IndexByte(s[i+1:], s[i]); k >= 0 {
					i += 1 + k + 1
					continue
				}
			}
		default:
			i++
		}
	}
	return len(s)
}

// skipRawText skips to just past the end tag of a raw-text element.
func skipRawText(s string, i int, name string) int {
	for {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			return len(s)
		}
		i += k + 2
		if len(s)-i >= len(name) && strings.EqualFold(s[i:i+len(name)], name) {
			if e := strings.IndexByte(s[i:], '>'); e >= 0 {
				return i + e + 1
			}
			return len(s)
		}
	}
}

func blockTag(name string) bool {
	switch strings.ToLower(name) {
	case "br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table",
		"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "section", "article",
		"header", "footer", "figure", "figcaption", "title", "body", "head", "html", "img":
		return true
	}
	return false
}

// sub returns a scanner over part of the source, reusing an attribute
// buffer; release hands the buffer back.
func (p *parser) sub(raw []byte) scanner {
	return scanner{src: raw, tok: token{attrs: p.subAttrs[:0]}}
}

func (p *parser) release(s *scanner) { p.subAttrs = s.tok.attrs[:0] }
