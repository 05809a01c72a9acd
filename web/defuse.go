package web

import (
	"html/template"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// storedHTML turns an article's stored HTML into markup for a page or a
// feed. The pipeline's sanitizer (content.Sanitize) already cleaned it
// before it was stored; that is the only reason it may be trusted.
//
// Defence in depth, because a bug or a row written by another tool must
// not put a script on the public site: the fragment is parsed (which also
// balances its tags so it cannot break our layout) and anything that can
// run code is dropped — script-like elements, event handler and style
// attributes, and javascript:/data:/vbscript: addresses.
func storedHTML(fragment string) template.HTML {
	// This is the one place stored article HTML becomes template.HTML.
	return template.HTML(defuse(fragment))
}

// dropWithContent reports elements removed together with everything
// inside: whatever can run code, load a document or take input.
func dropWithContent(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Iframe, atom.Frame, atom.Frameset, atom.Object, atom.Embed,
		atom.Applet, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Textarea, atom.Select,
		atom.Title, atom.Xmp, atom.Noembed, atom.Noframes, atom.Plaintext, atom.Link, atom.Meta,
		atom.Base, atom.Input, atom.Button, atom.Param, atom.Head, atom.Dialog:
		return true
	}
	return false
}

// unwrap reports elements whose tags are removed but whose text is kept.
func unwrap(a atom.Atom) bool {
	switch a {
	case atom.Form, atom.Html, atom.Body, atom.Label, atom.Fieldset:
		return true
	}
	return false
}

// urlAttr reports attributes that hold addresses, checked for their scheme.
func urlAttr(key string) bool {
	switch key {
	case "href", "src", "cite", "poster", "action", "formaction", "background", "longdesc", "usemap",
		"data", "codebase", "lowsrc", "dynsrc", "xlink:href", "ping", "manifest", "icon":
		return true
	}
	return false
}

func defuse(fragment string) string {
	return defuseAbs(fragment, nil)
}

// defuseAbs is defuse that also resolves relative addresses against base
// when it is set (see feedHTML).
func defuseAbs(fragment string, base *url.URL) string {
	if fragment == "" {
		return ""
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return template.HTMLEscapeString(fragment)
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	clean(root)
	if base != nil {
		absolutize(root, base)
	}
	var b strings.Builder
	b.Grow(len(fragment))
	for n := root.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&b, n); err != nil {
			return template.HTMLEscapeString(fragment)
		}
	}
	return b.String()
}

// clean removes what can run code from n's attributes and descendants.
func clean(n *html.Node) {
	if n.Type == html.ElementNode {
		n.Attr = cleanAttrs(n.DataAtom, n.Attr)
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode || c.Type == html.DoctypeNode:
			n.RemoveChild(c)
		case c.Type == html.ElementNode && (dropWithContent(c.DataAtom) || dangerousName(c.Data)):
			n.RemoveChild(c)
		case c.Type == html.ElementNode && unwrap(c.DataAtom):
			clean(c)
			for gc := c.FirstChild; gc != nil; {
				gnext := gc.NextSibling
				c.RemoveChild(gc)
				n.InsertBefore(gc, c)
				gc = gnext
			}
			n.RemoveChild(c)
		default:
			clean(c)
		}
		c = next
	}
}

// dangerousName catches elements the atom table does not know but a
// browser might treat specially (namespaced svg/math tags and the like).
func dangerousName(name string) bool {
	name = strings.ToLower(name)
	return strings.Contains(name, ":") || strings.HasPrefix(name, "svg") || strings.HasPrefix(name, "math")
}

func cleanAttrs(el atom.Atom, attrs []html.Attribute) []html.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" || strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" ||
			key == "formaction" || key == "action" || key == "http-equiv" || !plainAttrName(key) {
			continue
		}
		if urlAttr(key) && !safeURL(a.Val, el == atom.Img && key == "src") {
			continue
		}
		if key == "srcset" && !safeSrcset(a.Val) {
			continue
		}
		a.Key = key
		out = append(out, a)
	}
	return out
}

func plainAttrName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// safeURL allows relative addresses and the http, https and mailto
// schemes (and inline raster images where imageData is set). Browsers
// ignore tabs, newlines and leading controls in a scheme, so they are
// removed before looking.
func safeURL(v string, imageData bool) bool {
	var b strings.Builder
	for _, r := range v {
		if r > ' ' && r != 0x7f {
			b.WriteRune(r)
		}
	}
	s := strings.ToLower(b.String())
	colon := strings.IndexByte(s, ':')
	if colon < 0 || strings.ContainsAny(s[:colon], "/?#") {
		return true // relative
	}
	switch s[:colon] {
	case "http", "https", "mailto":
		return true
	case "data":
		if imageData {
			for _, t := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp", "data:image/avif"} {
				if strings.HasPrefix(s, t) {
					return true
				}
			}
		}
	}
	return false
}

func safeSrcset(v string) bool {
	for cand := range strings.SplitSeq(v, ",") {
		if f := strings.Fields(cand); len(f) > 0 && !safeURL(f[0], false) {
			return false
		}
	}
	return true
}
