package content

import (
	"strings"
	"unicode"

	"golang.org/x/net/html/atom"
)

// plainTextOfSanitized is PlainText(h) for h the sanitizer wrote; it
// parses h only in the rare cases sanitizedText cannot stand for that.
func plainTextOfSanitized(h string) string {
	if text, ok := sanitizedText(h); ok {
		return text
	}
	return PlainText(h)
}

// sanitizedText returns PlainText(h) for h written by the sanitizer,
// without parsing h again: the sanitizer's output is a small, regular
// language (allowlisted tags in lower case, attributes in double quotes,
// only &amp; &lt; &gt; &quot; escaped, every element closed in order), so
// a scan of its tags drives the same textWriter PlainText's tree walk
// drives.
//
// The scan stands for the parse only where the HTML parser would build
// exactly the tree the tags spell. It would not for nestings the sanitizer
// can write but a parser reorders: a block inside a <p> (an unwrapped
// <object> or an iframe's fallback put it there), <a> inside <a>, <li>
// inside <li> with only <div> between, table parts out of place. ok is
// false then (and for anything the sanitizer does not write), and the
// caller parses.
func sanitizedText(h string) (text string, ok bool) {
	t := &textWriter{}
	t.b.Grow(len(h))
	var buf [32]outElem
	s := outScan{t: t, stack: buf[:0]}
	for i := 0; i < len(h); {
		if h[i] != '<' {
			j := strings.IndexByte(h[i:], '<')
			if j < 0 {
				j = len(h)
			} else {
				j += i
			}
			if !s.text(h[i:j]) {
				return "", false
			}
			i = j
			continue
		}
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			return "", false
		}
		tag := h[i+1 : i+j]
		i += j + 1
		if !s.tag(tag) {
			return "", false
		}
	}
	if len(s.stack) > 0 {
		return "", false
	}
	return strings.TrimRightFunc(t.b.String(), unicode.IsSpace), true
}

// outElem is an open element of the scan.
type outElem struct {
	a     atom.Atom
	read  bool // its content is text (textWriter.open said so): close it
	child bool // it has a child node (a <pre>'s first newline)
}

type outScan struct {
	t     *textWriter
	stack []outElem
	skip  int // depth of the element whose content is not text, or 0
}

func (s *outScan) top() *outElem {
	if len(s.stack) == 0 {
		return nil
	}
	return &s.stack[len(s.stack)-1]
}

func (s *outScan) cur() atom.Atom {
	if e := s.top(); e != nil {
		return e.a
	}
	return 0
}

// text handles the raw text between two tags: one text node to the
// parser.
func (s *outScan) text(raw string) bool {
	cur := s.cur()
	if inTableMode(cur) && strings.Trim(raw, " \t\r\n\f") != "" {
		return false // a parser moves text out of a table; whitespace stays
	}
	d, ok := unescapeOut(raw)
	if !ok {
		return false
	}
	e := s.top()
	if cur == atom.Pre && !e.child {
		// A parser drops a newline that opens a <pre>.
		d = strings.TrimPrefix(d, "\n")
	}
	if d == "" {
		return true
	}
	if e != nil {
		e.child = true
	}
	if s.skip == 0 {
		s.t.text(d)
	}
	return true
}

// unescapeOut decodes text as the HTML tokenizer does (newlines
// normalized, then entities), for the escapes the sanitizer writes.
func unescapeOut(raw string) (string, bool) {
	if strings.IndexByte(raw, 0) >= 0 {
		return "", false
	}
	if strings.IndexByte(raw, '\r') >= 0 {
		raw = strings.ReplaceAll(raw, "\r\n", "\n")
		raw = strings.ReplaceAll(raw, "\r", "\n")
	}
	amp := strings.IndexByte(raw, '&')
	if amp < 0 {
		return raw, true
	}
	var b strings.Builder
	b.Grow(len(raw))
	for amp >= 0 {
		b.WriteString(raw[:amp])
		raw = raw[amp:]
		switch {
		case strings.HasPrefix(raw, "&amp;"):
			b.WriteByte('&')
			raw = raw[5:]
		case strings.HasPrefix(raw, "&lt;"):
			b.WriteByte('<')
			raw = raw[4:]
		case strings.HasPrefix(raw, "&gt;"):
			b.WriteByte('>')
			raw = raw[4:]
		case strings.HasPrefix(raw, "&quot;"):
			b.WriteByte('"')
			raw = raw[6:]
		default:
			return "", false
		}
		amp = strings.IndexByte(raw, '&')
	}
	b.WriteString(raw)
	return b.String(), true
}

// tag handles what is between < and >.
func (s *outScan) tag(tag string) bool {
	if strings.HasPrefix(tag, "/") {
		e := s.top()
		if e == nil || outputTags[tag[1:]] != e.a {
			return false
		}
		depth := len(s.stack)
		s.stack = s.stack[:depth-1]
		if e.read {
			s.t.close(e.a)
		}
		if s.skip == depth {
			s.skip = 0
		}
		return true
	}
	name, rest := tag, ""
	if i := strings.IndexAny(tag, " /"); i >= 0 {
		name, rest = tag[:i], tag[i:]
	}
	a, known := outputTags[name]
	if !known {
		return false
	}
	void := isVoidOut(a)
	if strings.HasSuffix(rest, "/") != void {
		return false
	}
	if !s.nests(a) {
		return false
	}
	if e := s.top(); e != nil {
		e.child = true
	}
	start := ""
	if isListAtom(a) {
		v, ok := attrOut(rest, "start")
		if !ok {
			return false
		}
		start = v
	}
	read := false
	if s.skip == 0 {
		read = s.t.open(a, start)
	}
	if void {
		if read {
			s.t.close(a)
		}
		return true
	}
	s.stack = append(s.stack, outElem{a: a, read: read})
	if s.skip == 0 && !read {
		s.skip = len(s.stack)
	}
	return true
}

// nests reports whether a start tag a at this point is put by a parser
// where the tags say: inside the current element, nothing closed.
func (s *outScan) nests(a atom.Atom) bool {
	cur := s.cur()
	switch a {
	case atom.Caption, atom.Tbody, atom.Thead, atom.Tfoot:
		return cur == atom.Table
	case atom.Tr:
		return cur == atom.Tbody || cur == atom.Thead || cur == atom.Tfoot
	case atom.Td, atom.Th:
		return cur == atom.Tr
	}
	if inTableMode(cur) {
		return false // foster-parented
	}
	if closesP(a) && s.open(atom.P, atom.Table, atom.Td, atom.Th, atom.Caption) {
		return false
	}
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return !isHeading(cur)
	case atom.Li:
		return !s.openInList(atom.Li, 0)
	case atom.Dd, atom.Dt:
		return !s.openInList(atom.Dd, atom.Dt)
	case atom.A:
		return !s.open(atom.A, atom.Td, atom.Th, atom.Caption, 0)
	case atom.Rt, atom.Rp:
		switch cur {
		case atom.Dd, atom.Dt, atom.Li, atom.P, atom.Rp, atom.Rt:
			return false
		}
	}
	return true
}

// open reports whether an element want is open above the nearest of the
// scope boundaries b1..b4.
func (s *outScan) open(want, b1, b2, b3, b4 atom.Atom) bool {
	for i := len(s.stack) - 1; i >= 0; i-- {
		switch a := s.stack[i].a; a {
		case want:
			return true
		case b1, b2, b3, b4:
			if a != 0 {
				return false
			}
		}
	}
	return false
}

// openInList is the parser's search for an item to close before a new
// <li> (or <dd>, <dt>): through inline elements, <div> and <p>, up to any
// other special element.
func (s *outScan) openInList(w1, w2 atom.Atom) bool {
	for i := len(s.stack) - 1; i >= 0; i-- {
		a := s.stack[i].a
		if a == w1 || a == w2 && w2 != 0 {
			return true
		}
		if a != atom.Div && a != atom.P && isSpecialOut(a) {
			return false
		}
	}
	return false
}

func inTableMode(a atom.Atom) bool {
	switch a {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
		return true
	}
	return false
}

// closesP: start tags that close an open <p> (in a document in no-quirks
// mode; <table> does not in quirks mode, where ok is simply false).
func closesP(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.P, atom.Blockquote, atom.Dl, atom.Figure, atom.Figcaption, atom.Ol, atom.Ul,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Li, atom.Dd, atom.Dt,
		atom.Table, atom.Hr:
		return true
	}
	return false
}

// isSpecialOut: the output elements of the parser's "special" category
// that stay open (voids never do).
func isSpecialOut(a atom.Atom) bool {
	switch a {
	case atom.Blockquote, atom.Caption, atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Figcaption, atom.Figure,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Ol, atom.P, atom.Pre,
		atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul:
		return true
	}
	return false
}

func isVoidOut(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.Wbr, atom.Img, atom.Source:
		return true
	}
	return false
}

// attrOut finds an attribute in the sanitizer's attribute list
// ( key="value"...); ok is false for anything else.
func attrOut(list, key string) (string, bool) {
	val, found := "", false
	for list != "" && list != "/" {
		if list[0] != ' ' {
			return "", false
		}
		eq := strings.Index(list, `="`)
		if eq < 0 {
			return "", false
		}
		k := list[1:eq]
		list = list[eq+2:]
		end := strings.IndexByte(list, '"')
		if end < 0 {
			return "", false
		}
		v := list[:end]
		list = list[end+1:]
		if k == key && !found {
			var ok bool
			if val, ok = unescapeOut(v); !ok {
				return "", false
			}
			found = true
		}
	}
	return val, true
}

// outputTags are the tags the sanitizer writes.
var outputTags = func() map[string]atom.Atom {
	m := map[string]atom.Atom{}
	for _, r := range rules {
		switch r.kind {
		case kBlock, kInline, kVoid:
			m[r.name] = atom.Lookup([]byte(r.name))
		}
	}
	for _, a := range []atom.Atom{atom.A, atom.Img, atom.Video, atom.Audio, atom.Source} {
		m[a.String()] = a
	}
	return m
}()
