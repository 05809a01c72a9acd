package feed

import (
	"strconv"
	"strings"
	"time"
)

// feedBuilder gathers the feed-level elements of any XML format.
type feedBuilder struct {
	title, altTitle construct
	desc, altDesc   construct
	link, altLink   string
	feedLink        string
	lang, altLang   string

	updated, altUpdated, pubDate time.Time

	authors, altAuthors []string

	ttl      time.Duration
	syPeriod string
	syFreq   int
}

func (p *parser) finishFeed(f *Feed, b *feedBuilder) {
	f.Title = p.plain(b.title)
	if f.Title == "" {
		f.Title = p.plain(b.altTitle)
	}
	f.Description = p.plain(b.desc)
	if f.Description == "" {
		f.Description = p.plain(b.altDesc)
	}
	f.Link = firstNonEmpty(b.link, b.altLink)
	f.FeedLink = b.feedLink
	f.Language = firstNonEmpty(b.lang, b.altLang)
	f.Updated = b.updated
	if f.Updated.IsZero() {
		f.Updated = b.altUpdated
	}
	if f.Updated.IsZero() {
		f.Updated = b.pubDate
	}
	f.Authors = b.authors
	if len(f.Authors) == 0 {
		f.Authors = b.altAuthors
	}
	f.TTL = b.ttl
	if f.TTL == 0 && b.syPeriod != "" {
		f.TTL = updatePeriod(b.syPeriod, b.syFreq)
	}
}

// rss walks <rss> (RSS 0.9x/2.0) and <rdf:RDF> (RSS 0.90/1.0). Items are
// read wherever they are: inside <channel> (RSS 2.0) or beside it (RDF).
func (p *parser) rss(f *Feed) {
	var b feedBuilder
	p.rssChildren(f, &b)
	p.finishFeed(f, &b)
}

func (p *parser) rssChildren(f *Feed, b *feedBuilder) {
	depth := len(p.stack)
	if b.altLang == "" {
		b.altLang = p.top().lang
	}
	for p.nextChild(depth) {
		fr := p.top()
		if fr.ns == nsNone {
			switch string(fr.local) {
			case "channel":
				if len(p.stack) > maxNest {
					break
				}
				p.rssChildren(f, b)
				continue
			case "item":
				p.rssItem(f)
				continue
			}
		}
		if !p.channelField(b) {
			p.skip()
		}
	}
}

// channelField reads one channel-level element; false means "not mine".
func (p *parser) channelField(b *feedBuilder) bool {
	fr := p.top()
	base := fr.base
	switch fr.ns {
	case nsNone:
		var lb [24]byte
		switch string(lowerName(lb[:0], fr.local)) {
		case "title":
			if !b.title.set {
				b.title = p.construct(modeHTML)
				return true
			}
		case "link":
			href := p.attr("href")
			rel := strings.ToLower(strings.TrimSpace(p.attr("rel")))
			t := p.text()
			if t == "" {
				t = href
			}
			switch {
			case rel == "self":
				// An Atom link written without its prefix.
				if b.feedLink == "" {
					b.feedLink = p.urls.resolve(t, base)
				}
			case rel != "" && rel != "alternate":
			case b.link == "":
				b.link = p.urls.resolve(t, base)
			}
			return true
		case "description":
			if !b.desc.set {
				b.desc = p.construct(modeHTML)
				return true
			}
		case "language":
			if b.lang == "" {
				b.lang = p.text()
			} else {
				p.skip()
			}
			return true
		case "lastbuilddate":
			b.updated = orDate(b.updated, p.text())
			return true
		case "pubdate":
			b.pubDate = orDate(b.pubDate, p.text())
			return true
		case "managingeditor":
			b.authors = appendUnique(b.authors, personName(htmlToText(p.text())))
			return true
		case "ttl":
			if n, err := strconv.Atoi(p.text()); err == nil && n > 0 && n < 1<<20 {
				b.ttl = time.Duration(n) * time.Minute
			}
			return true
		}
	case nsDC:
		switch string(fr.local) {
		case "title":
			if !b.altTitle.set {
				b.altTitle = p.construct(modeHTML)
				return true
			}
		case "description":
			if !b.altDesc.set {
				b.altDesc = p.construct(modeHTML)
				return true
			}
		case "creator", "author", "publisher":
			b.authors = appendUnique(b.authors, personName(htmlToText(p.text())))
			return true
		case "language":
			if b.lang == "" {
				b.lang = p.text()
			} else {
				p.skip()
			}
			return true
		case "date":
			b.altUpdated = orDate(b.altUpdated, p.text())
			return true
		}
	case nsDCTerms:
		if string(fr.local) == "modified" {
			b.altUpdated = orDate(b.altUpdated, p.text())
			return true
		}
	case nsAtom:
		switch string(fr.local) {
		case "link":
			rel := strings.ToLower(strings.TrimSpace(p.attr("rel")))
			href := p.urls.resolve(p.attr("href"), base)
			p.skip()
			switch rel {
			case "self":
				if b.feedLink == "" {
					b.feedLink = href
				}
			case "", "alternate":
				if b.altLink == "" {
					b.altLink = href
				}
			}
			return true
		case "updated", "modified":
			b.altUpdated = orDate(b.altUpdated, p.text())
			return true
		case "author":
			b.altAuthors = appendUnique(b.altAuthors, p.atomPerson())
			return true
		case "title":
			if !b.altTitle.set {
				b.altTitle = p.atomConstruct()
				return true
			}
		case "subtitle":
			if !b.altDesc.set {
				b.altDesc = p.atomConstruct()
				return true
			}
		}
	case nsSy:
		switch string(fr.local) {
		case "updatePeriod":
			b.syPeriod = p.text()
			return true
		case "updateFrequency":
			b.syFreq, _ = strconv.Atoi(p.text())
			return true
		}
	case nsITunes:
		if string(fr.local) == "author" {
			b.altAuthors = appendUnique(b.altAuthors, personName(p.text()))
			return true
		}
	}
	return false
}

// lowerName lowercases an element name into buf (no allocation for the
// short names it is compared with); RSS is case-sensitive but hand-made
// feeds write <pubdate> and <Title>.
func lowerName(buf, name []byte) []byte {
	if len(name) > cap(buf) {
		return name
	}
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func orDate(have time.Time, s string) time.Time {
	if !have.IsZero() {
		return have
	}
	return parseDate(s)
}

// rssItem reads one <item>. An item the document ends inside of is dropped:
// a truncated document yields its complete items only.
func (p *parser) rssItem(f *Feed) {
	depth := len(p.stack)
	fr := p.top()
	e := entryBuilder{base: fr.base, lang: fr.lang, id: strings.TrimSpace(p.attr("about"))}
	flushed := false
	for p.nextChild(depth) {
		if top := p.top(); top.ns == nsNone && string(top.local) == "item" && len(p.stack) <= maxNest {
			// The previous item was never closed: it ends here.
			if !flushed {
				f.Entries = append(f.Entries, p.build(&e))
				flushed = true
			}
			p.rssItem(f)
			continue
		}
		if !flushed && p.rssItemField(&e) {
			continue
		}
		p.skip()
	}
	if p.eof || flushed {
		return
	}
	f.Entries = append(f.Entries, p.build(&e))
}

func (p *parser) rssItemField(e *entryBuilder) bool {
	fr := p.top()
	base := fr.base
	switch fr.ns {
	case nsNone:
		var lb [24]byte
		switch string(lowerName(lb[:0], fr.local)) {
		case "title":
			if !e.title.set {
				e.title = p.construct(modeHTML)
				return true
			}
		case "link":
			href := p.attr("href")
			t := p.text()
			if t == "" {
				t = href
			}
			if e.link == "" {
				e.link = p.urls.resolve(t, base)
			}
			return true
		case "guid":
			perm := strings.ToLower(strings.TrimSpace(p.attr("isPermaLink")))
			if g := p.text(); e.guid == "" {
				e.guid = g
				e.guidPerm = perm != "false"
			}
			return true
		case "description":
			if !e.summary.set {
				e.summary = p.construct(modeHTML)
				return true
			}
		case "fullitem":
			if !e.content.set {
				e.content = p.construct(modeHTML)
				return true
			}
		case "body":
			if !e.content.set {
				e.content = p.construct(modeXHTML)
				return true
			}
		case "pubdate":
			e.published = orDate(e.published, p.text())
			return true
		case "author":
			e.authors = appendUnique(e.authors, personName(htmlToText(p.text())))
			return true
		case "category":
			e.categories = appendUnique(e.categories, collapse(p.text()))
			return true
		case "tags":
			for _, t := range strings.Split(p.text(), ",") {
				e.categories = appendUnique(e.categories, collapse(t))
			}
			return true
		case "enclosure":
			p.enclosure(e, "url", base)
			return true
		}
	case nsContent:
		if string(fr.local) == "encoded" && !e.content.set {
			e.content = p.construct(modeHTML)
			return true
		}
	case nsXHTML:
		if string(fr.local) == "body" && !e.content.set {
			e.content = p.construct(modeXHTML)
			return true
		}
	case nsDC:
		switch string(fr.local) {
		case "title":
			if !e.altTitle.set {
				e.altTitle = p.construct(modeHTML)
				return true
			}
		case "description":
			if !e.altSummary.set {
				e.altSummary = p.construct(modeHTML)
				return true
			}
		case "creator", "author":
			e.authors = appendUnique(e.authors, personName(htmlToText(p.text())))
			return true
		case "subject":
			e.categories = appendUnique(e.categories, collapse(p.text()))
			return true
		case "date":
			e.altPublished = orDate(e.altPublished, p.text())
			return true
		case "language":
			if l := p.text(); l != "" {
				e.lang = l
			}
			return true
		case "identifier":
			if e.id == "" {
				e.id = p.text()
				return true
			}
		}
	case nsDCTerms:
		switch string(fr.local) {
		case "issued", "created":
			e.altPublished = orDate(e.altPublished, p.text())
			return true
		case "modified":
			e.updated = orDate(e.updated, p.text())
			return true
		}
	case nsAtom:
		return p.atomEntryField(e, true)
	case nsMedia:
		return p.media(e)
	case nsITunes:
		switch string(fr.local) {
		case "image":
			if e.itunesImage == "" {
				e.itunesImage = p.urls.resolve(p.attr("href"), base)
			}
			p.skip()
			return true
		case "author":
			e.altAuthors = appendUnique(e.altAuthors, personName(p.text()))
			return true
		}
	}
	return false
}

// enclosure reads an enclosure's attributes (RSS url=, Atom href=) and
// skips whatever it contains.
func (p *parser) enclosure(e *entryBuilder, urlAttr, base string) {
	u := p.urls.resolve(p.attr(urlAttr), base)
	enc := Enclosure{URL: u, Type: strings.TrimSpace(p.attr("type")), Length: parseLength(p.attr("length"))}
	p.skip()
	if u != "" {
		e.enclosures = append(e.enclosures, enc)
	}
}

// media reads Media RSS elements: thumbnails and image content give the
// entry's picture; media:group is read through; a media description or
// title fills in when the entry has none of its own (YouTube's Atom feeds).
func (p *parser) media(e *entryBuilder) bool {
	fr := p.top()
	base := fr.base
	if len(p.stack) > maxNest {
		return false
	}
	switch string(fr.local) {
	case "group", "content":
		if string(fr.local) == "content" {
			u := p.urls.resolve(p.attr("url"), base)
			medium := strings.ToLower(p.attr("medium"))
			typ := strings.ToLower(p.attr("type"))
			if e.mediaImage == "" && (medium == "image" || strings.HasPrefix(typ, "image/")) {
				e.mediaImage = u
			}
		}
		depth := len(p.stack)
		for p.nextChild(depth) {
			if p.top().ns != nsMedia || !p.media(e) {
				p.skip()
			}
		}
		return true
	case "thumbnail":
		if e.thumb == "" {
			e.thumb = p.urls.resolve(p.attr("url"), base)
		}
		p.skip()
		return true
	case "description":
		if !e.altSummary.set {
			m := modeText
			if strings.EqualFold(strings.TrimSpace(p.attr("type")), "html") {
				m = modeHTML
			}
			e.altSummary = p.construct(m)
			return true
		}
	case "title":
		if !e.altTitle.set {
			e.altTitle = p.construct(modeText)
			return true
		}
	}
	return false
}
