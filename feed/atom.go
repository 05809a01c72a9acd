package feed

import (
	"strings"
)

// atomFeed walks an Atom 1.0 or 0.3 <feed>. Elements without a namespace
// are read as Atom: some producers forget the declaration.
func (p *parser) atomFeed(f *Feed) {
	var b feedBuilder
	depth := len(p.stack)
	b.lang = p.top().lang
	linkHTML := false
	for p.nextChild(depth) {
		fr := p.top()
		base := fr.base
		if fr.ns != nsAtom && fr.ns != nsNone {
			if !p.channelField(&b) {
				p.skip()
			}
			continue
		}
		switch string(fr.local) {
		case "entry":
			p.atomEntry(f)
		case "title":
			if !b.title.set {
				b.title = p.atomConstruct()
			} else {
				p.skip()
			}
		case "subtitle", "tagline":
			if !b.desc.set {
				b.desc = p.atomConstruct()
			} else {
				p.skip()
			}
		case "link":
			rel := strings.ToLower(strings.TrimSpace(p.attr("rel")))
			typ := strings.ToLower(p.attr("type"))
			href := p.urls.resolve(p.attr("href"), base)
			p.skip()
			switch rel {
			case "", "alternate":
				if b.link == "" || (typ == "text/html" && !linkHTML) {
					b.link = href
					linkHTML = typ == "text/html"
				}
			case "self":
				if b.feedLink == "" {
					b.feedLink = href
				}
			}
		case "updated", "modified":
			b.updated = orDate(b.updated, p.text())
		case "author":
			b.authors = appendUnique(b.authors, p.atomPerson())
		default:
			p.skip()
		}
	}
	p.finishFeed(f, &b)
}

func (p *parser) atomEntry(f *Feed) {
	depth := len(p.stack)
	fr := p.top()
	e := entryBuilder{base: fr.base, lang: fr.lang}
	flushed := false
	for p.nextChild(depth) {
		fr := p.top()
		if (fr.ns == nsAtom || fr.ns == nsNone) && string(fr.local) == "entry" && len(p.stack) <= maxNest {
			// The previous entry was never closed: it ends here.
			if !flushed {
				f.Entries = append(f.Entries, p.build(&e))
				flushed = true
			}
			p.atomEntry(f)
			continue
		}
		if flushed {
			p.skip()
			continue
		}
		var ok bool
		switch fr.ns {
		case nsAtom, nsNone:
			ok = p.atomEntryField(&e, false)
		case nsMedia:
			ok = p.media(&e)
		case nsDC, nsDCTerms, nsContent, nsITunes:
			ok = p.rssItemField(&e)
		}
		if !ok {
			p.skip()
		}
	}
	if p.eof || flushed {
		return
	}
	f.Entries = append(f.Entries, p.build(&e))
}

// atomEntryField reads one Atom element of an entry. inRSS is set for Atom
// elements embedded in an RSS item, where they only fill in what the RSS
// elements leave empty.
func (p *parser) atomEntryField(e *entryBuilder, inRSS bool) bool {
	fr := p.top()
	base := fr.base
	switch string(fr.local) {
	case "id":
		if e.atomID == "" {
			e.atomID = p.text()
			return true
		}
	case "title":
		if inRSS {
			if !e.altTitle.set {
				e.altTitle = p.atomConstruct()
				return true
			}
		} else if !e.title.set {
			e.title = p.atomConstruct()
			return true
		}
	case "summary":
		if inRSS {
			if !e.altSummary.set {
				e.altSummary = p.atomConstruct()
				return true
			}
		} else if !e.summary.set {
			e.summary = p.atomConstruct()
			return true
		}
	case "content":
		if !e.content.set && p.attr("src") == "" {
			e.content = p.atomConstruct()
			return true
		}
	case "link":
		rel := strings.ToLower(strings.TrimSpace(p.attr("rel")))
		typ := strings.ToLower(strings.TrimSpace(p.attr("type")))
		href := p.attr("href")
		switch rel {
		case "enclosure":
			if strings.TrimSpace(href) == "" {
				p.skip()
				return true
			}
			p.enclosure(e, "href", base)
			return true
		case "", "alternate":
			href = p.urls.resolve(href, base)
			p.skip()
			if href == "" {
				return true
			}
			if inRSS {
				if e.altLink == "" {
					e.altLink = href
				}
				return true
			}
			// The first alternate wins, unless a later one is the HTML page.
			if e.link == "" || (typ == "text/html" && !e.linkHTML) {
				e.link = href
				e.linkHTML = typ == "text/html"
			}
			return true
		}
		p.skip()
		return true
	case "published", "issued", "created":
		if inRSS {
			e.altPublished = orDate(e.altPublished, p.text())
		} else {
			e.published = orDate(e.published, p.text())
		}
		return true
	case "updated", "modified":
		e.updated = orDate(e.updated, p.text())
		return true
	case "author":
		if inRSS {
			e.altAuthors = appendUnique(e.altAuthors, p.atomPerson())
		} else {
			e.authors = appendUnique(e.authors, p.atomPerson())
		}
		return true
	case "category":
		term := strings.TrimSpace(p.attr("term"))
		p.skip()
		e.categories = appendUnique(e.categories, collapse(term))
		return true
	}
	return false
}

// atomConstruct captures an Atom text construct, reading its type (and the
// Atom 0.3 mode) to know how its content is encoded.
func (p *parser) atomConstruct() construct {
	return p.construct(atomMode(p.attr("type"), p.attr("mode")))
}

func atomMode(typ, mod string) mode {
	t := strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch strings.ToLower(strings.TrimSpace(mod)) {
	case "base64":
		return modeBase64
	case "escaped":
		if t == "text" || t == "text/plain" {
			return modeText
		}
		return modeHTML
	}
	switch t {
	case "", "text", "text/plain":
		return modeText
	case "html", "text/html":
		return modeHTML
	case "xhtml", "application/xhtml+xml":
		return modeXHTML
	}
	switch {
	case strings.HasPrefix(t, "text/"):
		return modeText
	case strings.HasSuffix(t, "+xml") || strings.HasSuffix(t, "/xml"):
		return modeXHTML
	}
	return modeBase64
}

// atomPerson reads an Atom person construct and returns the name. Some
// producers put the name directly in <author>; that is accepted too.
func (p *parser) atomPerson() string {
	depth := len(p.stack)
	start := p.sc.pos
	var name string
	sawChild := false
	for p.nextChild(depth) {
		sawChild = true
		fr := p.top()
		if string(fr.local) == "name" && name == "" {
			name = collapse(p.text())
			continue
		}
		p.skip()
	}
	if !sawChild && !p.eof {
		end := p.sc.tok.start
		if end > start {
			name = personName(htmlToText(p.spanText(span{start: start, end: end, ok: true})))
		}
	}
	if isEmail(name) {
		return ""
	}
	return name
}
