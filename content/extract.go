package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"crosswire"
)

// Extraction is the article found in a fetched page.
type Extraction struct {
	HTML      string // sanitized article body
	Text      string // PlainText of HTML
	Title     string
	Byline    string
	Image     string // absolute URL of the lead image, if the page names one
	Published time.Time
}

// Why an extraction failed; the caller keeps the feed's text and records
// the error.
var (
	ErrNotHTML   = errors.New("not an HTML page")
	ErrNoContent = errors.New("no article content found")
)

// MinExtractedChars is the least text an extraction must yield. Below it
// the page is a consent wall, a paywall teaser or an error page dressed as
// a 200, and the feed's own text is the better copy.
const MinExtractedChars = 200

// Extract finds the article in page (fetched from pageURL with the given
// Content-Type header, which may be empty) with rules on top of the
// built-in defaults. See Cleaner.Extract.
func Extract(page []byte, pageURL *url.URL, contentType string, rules crosswire.Rules) (Extraction, error) {
	c, err := NewCleaner(rules)
	if err != nil {
		return Extraction{}, fmt.Errorf("extract: rules: %w", err)
	}
	return c.Extract(page, pageURL, contentType)
}

// Extract decodes page (charset from contentType, else a BOM or <meta>,
// else a guess), applies StripAttrs, Remove and the built-in clean-up,
// takes the body from the first Content selector that matches or else
// from a readability pass, and returns it sanitized with the page's
// metadata. The error wraps ErrNotHTML or ErrNoContent, saying why.
func (c *Cleaner) Extract(page []byte, pageURL *url.URL, contentType string) (Extraction, error) {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err == nil && mt != "text/html" && mt != "application/xhtml+xml" && mt != "text/plain" && mt != "application/octet-stream" {
			return Extraction{}, fmt.Errorf("extract: content type %s: %w", mt, ErrNotHTML)
		}
	}
	if len(bytes.TrimSpace(page)) == 0 {
		return Extraction{}, fmt.Errorf("extract: empty page: %w", ErrNoContent)
	}
	r, err := charset.NewReader(bytes.NewReader(page), contentType)
	if err != nil {
		return Extraction{}, fmt.Errorf("extract: charset: %w", err)
	}
	doc, err := html.ParseWithOptions(r, html.ParseOptionEnableScripting(false))
	if err != nil {
		return Extraction{}, fmt.Errorf("extract: parse: %w", err)
	}
	base := pageURL
	if b := findFirst(doc, atom.Base); b != nil && pageURL != nil {
		if u, err := pageURL.Parse(strings.TrimSpace(attr(b, "href"))); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			base = u
		}
	}
	meta := readMeta(doc, base)

	c.removeSelected(doc)
	removeJunk(doc)
	var body []*html.Node
	if c != nil {
		body = c.selectContent(doc)
	}
	c.stripAttrs(doc)
	// Readability drops <noscript> and src-less images: give images
	// their real source first.
	resolveLazyMedia(doc)
	if body == nil {
		p := readability.NewParser()
		p.CharThresholds = MinExtractedChars
		art, err := p.ParseAndMutate(doc, base)
		if err != nil {
			return Extraction{}, fmt.Errorf("extract: readability: %v: %w", err, ErrNoContent)
		}
		if art.Node == nil {
			return Extraction{}, fmt.Errorf("extract: readability found nothing: %w", ErrNoContent)
		}
		if meta.Title == "" {
			meta.Title = collapseSpace(art.Title())
		}
		if meta.Byline == "" {
			meta.Byline = collapseSpace(art.Byline())
		}
		if meta.Image == "" {
			if u, ok := resolveURL(art.ImageURL(), base, urlImage, nil); ok {
				meta.Image = u
			}
		}
		if meta.Published.IsZero() {
			if t, err := art.PublishedTime(); err == nil {
				meta.Published = t.UTC()
			}
		}
		wrap := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
		if art.Node.Parent != nil {
			art.Node.Parent.RemoveChild(art.Node)
		}
		wrap.AppendChild(art.Node)
		removeJunk(wrap)
		body = children(wrap)
	}
	dropTitleHeading(body, meta.Title)
	out := sanitizeNodes(unwrapSingle(body), base, c.options())
	text := plainTextOfSanitized(out)
	if n := utf8.RuneCountInString(text); n < MinExtractedChars {
		return Extraction{}, fmt.Errorf("extract: only %d characters of text: %w", n, ErrNoContent)
	}
	meta.HTML, meta.Text = out, text
	return meta, nil
}

// selectContent returns the nodes of the first Content selector that
// matches, outermost only and in document order.
func (c *Cleaner) selectContent(doc *html.Node) []*html.Node {
	for _, sel := range c.content {
		matches := sel.MatchAll(doc)
		if len(matches) == 0 {
			continue
		}
		var out []*html.Node
		for _, m := range matches {
			if !hasAncestorIn(m, out) {
				out = append(out, m)
			}
		}
		for _, n := range out {
			removeJunk(n)
		}
		return out
	}
	return nil
}

func hasAncestorIn(n *html.Node, set []*html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		for _, s := range set {
			if p == s {
				return true
			}
		}
	}
	return false
}

// unwrapSingle drops one level of wrapper: a lone container's children
// are the article.
func unwrapSingle(nodes []*html.Node) []*html.Node {
	for len(nodes) == 1 && nodes[0].Type == html.ElementNode {
		switch nodes[0].DataAtom {
		case atom.Div, atom.Article, atom.Section, atom.Main, atom.Body:
			nodes = children(nodes[0])
			continue
		}
		break
	}
	return nodes
}

// dropTitleHeading removes the first heading when it repeats the title:
// the page shows the headline above the body, the hub shows it once.
func dropTitleHeading(nodes []*html.Node, title string) {
	if title == "" {
		return
	}
	want := strings.ToLower(collapseSpace(title))
	var h *html.Node
	var find func(n *html.Node) bool
	find = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.H1 || c.DataAtom == atom.H2 {
				h = c
				return true
			}
			if find(c) {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if n.Type == html.ElementNode && (n.DataAtom == atom.H1 || n.DataAtom == atom.H2) {
			h = n
			break
		}
		if find(n) {
			break
		}
	}
	if h != nil && h.Parent != nil && strings.ToLower(normText(h, 400)) == want {
		h.Parent.RemoveChild(h)
	}
}

// readMeta reads title, byline, image and publication time from the
// page's metadata (OpenGraph, article:*, JSON-LD, <title>, <time>).
func readMeta(doc *html.Node, base *url.URL) Extraction {
	var m Extraction
	var ogTitle, docTitle, h1, author, image, published string
	var ldAuthor, ldPublished, ldImage string
	var firstTime *html.Node // the fallback for the publication time
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Meta:
				key := strings.ToLower(attr(n, "property"))
				if key == "" {
					key = strings.ToLower(attr(n, "name"))
				}
				if key == "" {
					key = strings.ToLower(attr(n, "itemprop"))
				}
				v := strings.TrimSpace(attr(n, "content"))
				switch key {
				case "og:title", "twitter:title":
					if ogTitle == "" {
						ogTitle = v
					}
				case "author", "article:author", "byl", "sailthru.author", "parsely-author":
					if author == "" && !strings.HasPrefix(v, "http") {
						author = strings.TrimPrefix(strings.TrimPrefix(v, "By "), "by ")
					}
				case "og:image", "twitter:image", "og:image:url", "twitter:image:src":
					if image == "" {
						image = v
					}
				case "article:published_time", "datepublished", "pubdate", "publishdate", "date",
					"dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "og:published_time":
					if published == "" {
						published = v
					}
				}
			case atom.Title:
				if docTitle == "" && n.FirstChild != nil {
					docTitle = n.FirstChild.Data
				}
			case atom.H1:
				if h1 == "" {
					h1 = normText(n, 400)
				}
			case atom.Time:
				if firstTime == nil {
					firstTime = n
				}
				if published == "" && hasAttr(n, "datetime") && (strings.Contains(strings.ToLower(attr(n, "itemprop")), "published") || strings.Contains(strings.ToLower(attr(n, "class")), "publish")) {
					published = attr(n, "datetime")
				}
			case atom.Script:
				if strings.EqualFold(attr(n, "type"), "application/ld+json") && n.FirstChild != nil {
					a, p, i := readJSONLD(n.FirstChild.Data)
					if ldAuthor == "" {
						ldAuthor = a
					}
					if ldPublished == "" {
						ldPublished = p
					}
					if ldImage == "" {
						ldImage = i
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if published == "" && firstTime != nil {
		published = attr(firstTime, "datetime")
	}
	switch {
	case ogTitle != "":
		m.Title = ogTitle
	case h1 != "":
		m.Title = h1
	default:
		m.Title = stripSiteName(docTitle)
	}
	m.Title = collapseSpace(m.Title)
	if author == "" {
		author = ldAuthor
	}
	m.Byline = collapseSpace(author)
	if image == "" {
		image = ldImage
	}
	if u, ok := resolveURL(image, base, urlImage, nil); ok && image != "" {
		m.Image = u
	}
	if published == "" {
		published = ldPublished
	}
	m.Published = parseTime(published)
	return m
}

// stripSiteName drops " | Outlet" or " - Outlet" from a <title>.
func stripSiteName(t string) string {
	t = collapseSpace(t)
	for _, sep := range []string{" | ", " — ", " – ", " - ", " :: "} {
		if i := strings.LastIndex(t, sep); i > 0 && len(t)-i < len(t)/2 {
			return t[:i]
		}
	}
	return t
}

// readJSONLD pulls author, datePublished and image from a JSON-LD block
// (an object, an array of objects or an @graph).
func readJSONLD(src string) (author, published, image string) {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return
	}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 4 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
			if published == "" {
				if s, ok := x["datePublished"].(string); ok {
					published = s
				}
			}
			if author == "" {
				author = ldName(x["author"])
			}
			if image == "" {
				switch im := x["image"].(type) {
				case string:
					image = im
				case map[string]any:
					image, _ = im["url"].(string)
				case []any:
					if len(im) > 0 {
						if s, ok := im[0].(string); ok {
							image = s
						} else if o, ok := im[0].(map[string]any); ok {
							image, _ = o["url"].(string)
						}
					}
				}
			}
		}
	}
	visit(v, 0)
	return
}

func ldName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["name"].(string)
		return s
	case []any:
		var names []string
		for _, e := range x {
			if s := ldName(e); s != "" {
				names = append(names, s)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02T15:04",
	"2006-01-02", time.RFC1123Z, time.RFC1123, "20060102",
}

// parseTime reads the date forms pages put in metadata; zero if none fits.
// A time without a zone is taken as UTC.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
