package web

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// feedHTML is storedHTML for an output feed, whose readers have no page
// address to resolve against: stored HTML is absolute except the hub's
// own paths (mirrored images, /media/...), which become absolute against
// Options.BaseURL here.
func (s *Server) feedHTML(fragment string) string {
	return defuseAbs(fragment, s.base)
}

// absolutize resolves the relative addresses under n against base.
func absolutize(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		for i, a := range n.Attr {
			switch {
			case a.Key == "srcset":
				n.Attr[i].Val = absSrcset(a.Val, base)
			case urlAttr(a.Key):
				n.Attr[i].Val = absURL(a.Val, base)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		absolutize(c, base)
	}
}

// absURL resolves v against base unless it is absolute (or an in-page
// fragment, or unparseable: left as it is).
func absURL(v string, base *url.URL) string {
	t := strings.TrimSpace(v)
	if t == "" || strings.HasPrefix(t, "#") {
		return v
	}
	u, err := url.Parse(t)
	if err != nil || u.Scheme != "" {
		return v
	}
	// The base's path is a directory: "/media/x" is from the host's root,
	// "media/x" from the site's.
	b := *base
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
	}
	return b.ResolveReference(u).String()
}

func absSrcset(v string, base *url.URL) string {
	cands := strings.Split(v, ",")
	for i, c := range cands {
		f := strings.Fields(c)
		if len(f) == 0 {
			continue
		}
		f[0] = absURL(f[0], base)
		cands[i] = strings.Join(f, " ")
	}
	return strings.Join(cands, ", ")
}
