package feed

import (
	"bytes"
	"strings"
)

// The XML side is a recursive walk over the scanner's tokens with a stack
// of open elements. Each open element records its namespace, xml:base and
// xml:lang. An end tag closes the nearest open element of that name and
// everything opened inside it (HTML-style recovery), and an end tag that
// matches nothing open is ignored. Field values are not decoded while
// walking: a field is captured as a byte range of the source and decoded
// only when the entry is built, in the mode (text, HTML, XHTML) its element
// calls for.

// maxInner bounds the open elements tracked inside a captured field, and
// maxNest the depth of elements the walk descends into (nested channels,
// media groups); deeper ones are skipped whole.
const (
	maxInner = 1024
	maxNest  = 32
)

type nsID uint8

const (
	nsNone nsID = iota // no namespace, or one of the RSS namespaces
	nsAtom
	nsDC
	nsDCTerms
	nsContent
	nsMedia
	nsRDF
	nsXHTML
	nsITunes
	nsSy
	nsXML
	nsOther
)

var nsByURI = map[string]nsID{
	"http://www.w3.org/2005/Atom":                      nsAtom,
	"http://purl.org/atom/ns#":                         nsAtom,
	"http://purl.org/dc/elements/1.1/":                 nsDC,
	"http://purl.org/dc/elements/1.0/":                 nsDC,
	"http://purl.org/dc/terms/":                        nsDCTerms,
	"http://purl.org/rss/1.0/modules/content/":         nsContent,
	"http://search.yahoo.com/mrss/":                    nsMedia,
	"http://search.yahoo.com/mrss":                     nsMedia,
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#":      nsRDF,
	"http://www.w3.org/1999/xhtml":                     nsXHTML,
	"http://www.itunes.com/dtds/podcast-1.0.dtd":       nsITunes,
	"http://www.itunes.com/DTDs/Podcast-1.0.dtd":       nsITunes,
	"http://www.itunes.com/DTDs/PodCast-1.0.dtd":       nsITunes,
	"http://purl.org/rss/1.0/modules/syndication/":     nsSy,
	"http://www.w3.org/XML/1998/namespace":             nsXML,
	"http://purl.org/rss/1.0/":                         nsNone,
	"http://my.netscape.com/rdf/simple/0.9/":           nsNone,
	"http://backend.userland.com/rss":                  nsNone,
	"http://backend.userland.com/rss2":                 nsNone,
	"http://blogs.law.harvard.edu/tech/rss":            nsNone,
	"http://purl.org/net/rss1.1#":                      nsNone,
	"http://channel.netscape.com/rdf/simple/0.9/":      nsNone,
	"http://web.resource.org/rss/1.0/modules/content/": nsContent,
}

// nsByPrefix guesses the namespace of a prefix that was never declared (or
// declared with a URI nobody else uses): feeds rely on the conventional
// prefixes far more than on their declarations.
var nsByPrefix = map[string]nsID{
	"atom": nsAtom, "atom10": nsAtom, "atom03": nsAtom,
	"dc": nsDC, "dcterms": nsDCTerms,
	"content": nsContent, "media": nsMedia, "rdf": nsRDF,
	"xhtml": nsXHTML, "html": nsXHTML,
	"itunes": nsITunes, "sy": nsSy, "xml": nsXML,
	"rss": nsNone,
}

type binding struct {
	prefix []byte
	ns     nsID
}

type frame struct {
	qname  []byte
	local  []byte
	ns     nsID
	empty  bool // <x/>: no children, no end tag
	nsMark int  // len(bindings) before this element's declarations
	base   string
	lang   string
}

// span is a captured element content: a byte range of the source.
type span struct {
	start, end int
	child      bool   // has child elements
	base       string // xml:base in effect on the element
	ok         bool
}

type parser struct {
	sc       scanner
	ents     *entities
	opt      Options
	stack    []frame
	bindings []binding
	inner    [][]byte // open names inside a capture
	subAttrs []attr
	buf      []byte // scratch for decoding
	eof      bool
	urls     urlCache
}

func parseXML(data []byte, opt Options) (*Feed, error) {
	p := &parser{
		sc:    scanner{src: data},
		ents:  newEntities(len(data)),
		opt:   opt,
		stack: make([]frame, 0, 16),
		urls:  urlCache{doc: opt.BaseURL},
	}
	p.sc.doctype = p.ents.declare
	root, ok := p.findRoot()
	if !ok {
		return nil, feedError(root)
	}
	f := &Feed{}
	fr := p.top()
	switch {
	case equalFoldStr(fr.local, "rss") || equalFoldStr(fr.local, "channel"):
		f.Format = "rss"
		p.rss(f)
	case equalFoldStr(fr.local, "rdf"):
		f.Format = "rdf"
		p.rss(f)
	default:
		f.Format = "atom"
		p.atomFeed(f)
	}
	return f, nil
}

// findRoot advances to the feed's root element and enters it. Junk before
// the root (a PHP warning, a stray <br>) is passed over, but a document
// whose first element is <html> is a web page.
func (p *parser) findRoot() ([]byte, bool) {
	var first []byte
	for {
		p.sc.next()
		switch p.sc.tok.kind {
		case tokEOF:
			return first, false
		case tokStart:
			_, local := splitName(p.sc.tok.name)
			if first == nil {
				first = local
				if equalFoldStr(local, "html") {
					return first, false
				}
			}
			if equalFoldStr(local, "rss") || equalFoldStr(local, "rdf") || equalFoldStr(local, "feed") || (equalFoldStr(local, "channel") && bytes.Equal(first, local)) {
				p.stack = p.stack[:0]
				p.bindings = p.bindings[:0]
				p.enter()
				return local, true
			}
		}
	}
}

func equalFoldStr(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func (p *parser) top() *frame { return &p.stack[len(p.stack)-1] }

// enter pushes the start tag in p.sc.tok.
func (p *parser) enter() {
	tok := &p.sc.tok
	fr := frame{qname: tok.name, empty: tok.selfClose, nsMark: len(p.bindings)}
	if len(p.stack) > 0 {
		parent := p.top()
		fr.base, fr.lang = parent.base, parent.lang
	} else {
		fr.base = p.opt.BaseURL
	}
	for i := range tok.attrs {
		a := &tok.attrs[i]
		n := a.name
		switch {
		case len(n) >= 5 && string(n[:5]) == "xmlns":
			if len(n) == 5 {
				p.bind(nil, a.value)
			} else if n[5] == ':' {
				p.bind(n[6:], a.value)
			}
		case string(n) == "xml:base":
			fr.base = p.urls.resolve(strings.TrimSpace(p.attrString(a.value)), fr.base)
		case string(n) == "xml:lang":
			fr.lang = strings.TrimSpace(p.attrString(a.value))
		}
	}
	prefix, local := splitName(tok.name)
	fr.local = local
	fr.ns = p.lookupNS(prefix)
	p.stack = append(p.stack, fr)
}

func (p *parser) bind(prefix, uri []byte) {
	uri = bytes.TrimSpace(uri)
	ns, ok := nsByURI[string(uri)]
	if !ok {
		if len(prefix) == 0 {
			// An unknown default namespace: unprefixed elements of a feed are
			// its core elements whatever URI the producer made up.
			ns = nsNone
		} else if g, ok := nsByPrefix[strings.ToLower(string(prefix))]; ok {
			ns = g
		} else {
			ns = nsOther
		}
	}
	p.bindings = append(p.bindings, binding{prefix: prefix, ns: ns})
}

func (p *parser) lookupNS(prefix []byte) nsID {
	for i := len(p.bindings) - 1; i >= 0; i-- {
		if bytes.Equal(p.bindings[i].prefix, prefix) {
			return p.bindings[i].ns
		}
	}
	if len(prefix) == 0 {
		return nsNone
	}
	if g, ok := nsByPrefix[string(prefix)]; ok {
		return g
	}
	if g, ok := nsByPrefix[strings.ToLower(string(prefix))]; ok {
		return g
	}
	return nsOther
}

func (p *parser) pop() {
	fr := p.top()
	p.bindings = p.bindings[:fr.nsMark]
	p.stack = p.stack[:len(p.stack)-1]
}

// closeTag handles an end tag: it closes the nearest open element with that
// name and everything inside it. It returns false when nothing matched.
func (p *parser) closeTag(name []byte) bool {
	for i := len(p.stack) - 1; i >= 0; i-- {
		if bytes.Equal(p.stack[i].qname, name) {
			for len(p.stack) > i {
				p.pop()
			}
			return true
		}
	}
	return false
}

// nextChild advances to the next child element of the element at stack
// depth-1, enters it and returns true; it returns false once that element is
// closed or the input ends.
func (p *parser) nextChild(depth int) bool {
	if len(p.stack) < depth || p.eof {
		return false
	}
	if len(p.stack) == depth && p.stack[depth-1].empty {
		p.pop()
		return false
	}
	for {
		p.sc.next()
		switch p.sc.tok.kind {
		case tokEOF:
			p.eof = true
			return false
		case tokStart:
			if len(p.stack) > depth {
				// Defensive: a handler left a child open.
				for len(p.stack) > depth {
					p.pop()
				}
			}
			p.enter()
			return true
		case tokEnd:
			p.closeTag(p.sc.tok.name)
			if len(p.stack) < depth {
				return false
			}
		}
	}
}

// skip consumes the current element (the top of the stack).
func (p *parser) skip() { p.capture() }

// capture consumes the current element and returns the range of its
// content. Inside it, end tags are matched against the elements opened
// inside it first; an end tag of an enclosing element closes it too.
func (p *parser) capture() span {
	d := len(p.stack)
	fr := &p.stack[d-1]
	sp := span{start: p.sc.pos, base: fr.base}
	if fr.empty {
		sp.end = sp.start
		sp.ok = true
		p.pop()
		return sp
	}
	inner := p.inner[:0]
	defer func() { p.inner = inner[:0] }()
	for {
		p.sc.next()
		tok := &p.sc.tok
		switch tok.kind {
		case tokEOF:
			p.eof = true
			return span{}
		case tokStart:
			sp.child = true
			if !tok.selfClose && len(inner) < maxInner {
				// Past maxInner nesting, end tags are matched against the
				// elements outside only: deep junk cannot make every stray
				// end tag scan a huge stack.
				inner = append(inner, tok.name)
			}
		case tokEnd:
			matched := false
			for i := len(inner) - 1; i >= 0; i-- {
				if bytes.Equal(inner[i], tok.name) {
					inner = inner[:i]
					matched = true
					break
				}
			}
			if matched {
				continue
			}
			if p.closeTag(tok.name) {
				sp.end = tok.start
				sp.ok = true
				for len(p.stack) >= d {
					p.pop()
				}
				return sp
			}
		}
	}
}

// attr returns the decoded value of the current start tag's attribute whose
// local name is local ("about" matches rdf:about).
func (p *parser) attr(local string) string {
	for _, a := range p.sc.tok.attrs {
		_, l := splitName(a.name)
		if string(l) == local {
			return p.attrString(a.value)
		}
	}
	return ""
}

func (p *parser) attrString(v []byte) string {
	if bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	p.buf = p.ents.appendDecoded(p.buf[:0], v)
	return string(p.buf)
}

func isXMLSpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}
