package feed

import (
	"bytes"
)

// The scanner is a forgiving XML tokenizer over a UTF-8 byte slice. It never
// fails: what is not markup is text, a '<' that does not start a tag is a
// character, unquoted attribute values are accepted, and running out of
// input ends the token stream (tokEOF) wherever it happens. Tokens point into
// the source, so scanning allocates nothing; the attribute slice is reused
// from token to token.

type tokKind uint8

const (
	tokEOF   tokKind = iota
	tokStart         // <name attr="v"> or <name/>
	tokEnd           // </name>
	tokText          // character data, entities not yet decoded
	tokCDATA         // the inside of <![CDATA[ ... ]]>
)

type attr struct {
	name, value []byte // value raw: entities not yet decoded
}

type token struct {
	kind      tokKind
	name      []byte // qualified name of a start or end tag
	selfClose bool
	attrs     []attr
	text      []byte // text or CDATA content
	start     int    // offset of the token in src
}

type scanner struct {
	src []byte
	pos int
	tok token
	// doctype is called with the internal subset of a <!DOCTYPE>, if any.
	doctype func(subset []byte)
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isNameByte(c byte) bool {
	return !isSpace(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '"' && c != '\''
}

// next reads the next token into s.tok. Comments, processing instructions
// and declarations are consumed silently.
func (s *scanner) next() {
	for {
		if s.pos >= len(s.src) {
			s.tok = token{kind: tokEOF, attrs: s.tok.attrs[:0], start: len(s.src)}
			return
		}
		if s.src[s.pos] != '<' || !s.markupAt(s.pos) {
			s.text()
			return
		}
		if s.markup() {
			return
		}
	}
}

// markupAt says whether the '<' at i starts markup rather than being a
// stray character of text.
func (s *scanner) markupAt(i int) bool {
	if i+1 >= len(s.src) {
		return false
	}
	c := s.src[i+1]
	switch {
	case isNameStart(c), c == '!', c == '?':
		return true
	case c == '/':
		return i+2 < len(s.src) && isNameStart(s.src[i+2])
	}
	return false
}

func (s *scanner) text() {
	start := s.pos
	i := s.pos
	for {
		j := bytes.IndexByte(s.src[i:], '<')
		if j < 0 {
			i = len(s.src)
			break
		}
		i += j
		if s.markupAt(i) {
			break
		}
		i++
	}
	s.pos = i
	s.tok = token{kind: tokText, text: s.src[start:i], attrs: s.tok.attrs[:0], start: start}
}

// markup handles the construct at s.pos (a '<'). It returns true when it
// produced a token, false when it consumed something silent.
func (s *scanner) markup() bool {
	start := s.pos
	rest := s.src[s.pos:]
	switch rest[1] {
	case '!':
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			if j := bytes.Index(rest[4:], []byte("-->")); j >= 0 {
				s.pos += 4 + j + 3
			} else {
				s.pos = len(s.src)
			}
			return false
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			body := rest[9:]
			j := bytes.Index(body, []byte("]]>"))
			if j < 0 {
				// An unterminated section is a truncated document.
				s.pos = len(s.src)
				s.tok = token{kind: tokEOF, attrs: s.tok.attrs[:0], start: start}
				return true
			}
			s.pos += 9 + j + 3
			s.tok = token{kind: tokCDATA, text: body[:j], attrs: s.tok.attrs[:0], start: start}
			return true
		case len(rest) >= 9 && bytes.EqualFold(rest[2:9], []byte("DOCTYPE")):
			s.doctypeDecl()
			return false
		}
		s.pos = skipDecl(s.src, s.pos+2)
		return false
	case '?':
		if j := bytes.Index(rest[2:], []byte("?>")); j >= 0 {
			s.pos += 2 + j + 2
		} else {
			s.pos = len(s.src)
		}
		return false
	case '/':
		i := s.pos + 2
		n := i
		for n < len(s.src) && isNameByte(s.src[n]) {
			n++
		}
		name := s.src[i:n]
		if j := bytes.IndexByte(s.src[n:], '>'); j >= 0 {
			s.pos = n + j + 1
		} else {
			s.pos = len(s.src)
		}
		s.tok = token{kind: tokEnd, name: name, attrs: s.tok.attrs[:0], start: start}
		return true
	}
	return s.startTag()
}

// skipDecl skips a <!...> declaration starting after "<!", honouring quotes.
func skipDecl(src []byte, i int) int {
	var q byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return i + 1
		}
	}
	return len(src)
}

func (s *scanner) doctypeDecl() {
	i := s.pos + 9
	var q byte
	for ; i < len(s.src); i++ {
		c := s.src[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			s.pos = i + 1
			return
		case c == '[':
			end := subsetEnd(s.src, i+1)
			if s.doctype != nil {
				s.doctype(s.src[i+1 : end])
			}
			if end >= len(s.src) {
				s.pos = len(s.src)
				return
			}
			i = end // the ']'
		}
	}
	s.pos = len(s.src)
}

// subsetEnd finds the ']' closing a DOCTYPE internal subset starting at i,
// skipping quoted strings and comments.
func subsetEnd(src []byte, i int) int {
	var q byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '<' && bytes.HasPrefix(src[i:], []byte("<!--")):
			j := bytes.Index(src[i+4:], []byte("-->"))
			if j < 0 {
				return len(src)
			}
			i += 4 + j + 2
		case c == ']':
			return i
		}
	}
	return len(src)
}

func (s *scanner) startTag() bool {
	start := s.pos
	src := s.src
	i := s.pos + 1
	n := i
	for n < len(src) && isNameByte(src[n]) {
		n++
	}
	tok := token{kind: tokStart, name: src[i:n], attrs: s.tok.attrs[:0], start: start}
	i = n
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			// Truncated inside a tag.
			s.pos = len(src)
			s.tok = token{kind: tokEOF, attrs: tok.attrs, start: start}
			return true
		}
		c := src[i]
		if c == '>' {
			i++
			break
		}
		if c == '/' {
			if i+1 < len(src) && src[i+1] == '>' {
				tok.selfClose = true
				i += 2
				break
			}
			i++
			continue
		}
		if c == '<' {
			// A tag that never closed; the '<' starts the next one.
			break
		}
		// Attribute name.
		an := i
		for i < len(src) && isNameByte(src[i]) {
			i++
		}
		if i == an { // a stray '=' or quote
			i++
			continue
		}
		name := src[an:i]
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) || src[i] != '=' {
			tok.attrs = append(tok.attrs, attr{name: name})
			continue
		}
		i++
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			continue
		}
		var val []byte
		if q := src[i]; q == '"' || q == '\'' {
			j := bytes.IndexByte(src[i+1:], q)
			if j < 0 {
				// Unterminated value: take it up to the end of the tag.
				k := bytes.IndexByte(src[i+1:], '>')
				if k < 0 {
					s.pos = len(src)
					s.tok = token{kind: tokEOF, attrs: tok.attrs, start: start}
					return true
				}
				val = src[i+1 : i+1+k]
				i = i + 1 + k
			} else {
				val = src[i+1 : i+1+j]
				i = i + 1 + j + 1
			}
		} else {
			v := i
			for i < len(src) && !isSpace(src[i]) && src[i] != '>' {
				i++
			}
			val = src[v:i]
		}
		tok.attrs = append(tok.attrs, attr{name: name, value: val})
	}
	s.pos = i
	s.tok = tok
	return true
}

// splitName splits a qualified name into prefix and local part.
func splitName(q []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return nil, q
}
