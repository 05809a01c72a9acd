// Package bmbench compares content.Sanitize with bluemonday. It is a
// separate module under testdata (ignored by the go command) so bluemonday
// is not a dependency of crosswire. Run from this folder:
//
//	GOFLAGS=-mod=mod go test -bench . -benchtime 2s
package bmbench

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"crosswire/content"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func frags(b testing.TB) []string {
	files, _ := filepath.Glob("../fragments/*.html")
	var out []string
	for _, f := range files {
		d, _ := os.ReadFile(f)
		out = append(out, string(d))
	}
	return out
}

var base, _ = url.Parse("https://example-news.com/2024/03/tram/")

func policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireParseableURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowElements("picture", "figure", "figcaption", "video", "audio", "source")
	p.AllowAttrs("src", "controls", "poster").OnElements("video", "audio", "source")
	return p
}

// prepass is the minimum a bluemonday pipeline needs besides it: a tree
// parse that resolves lazy images and makes URLs absolute, then a render.
func prepass(s string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, _ := html.ParseFragment(strings.NewReader(s), ctx)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			var ds string
			for _, a := range n.Attr {
				if a.Key == "data-src" {
					ds = a.Val
				}
			}
			for i, a := range n.Attr {
				switch a.Key {
				case "href", "src":
					v := a.Val
					if a.Key == "src" && ds != "" {
						v = ds
					}
					if u, err := base.Parse(strings.TrimSpace(v)); err == nil {
						n.Attr[i].Val = u.String()
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		walk(n)
		html.Render(&buf, n)
	}
	return buf.String()
}

func BenchmarkOwn(b *testing.B) {
	fs := frags(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		content.Sanitize(fs[i%len(fs)], base)
		i++
	}
}

func BenchmarkBluemondayAlone(b *testing.B) {
	fs := frags(b)
	p := policy()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.Sanitize(fs[i%len(fs)])
		i++
	}
}

func BenchmarkBluemondayPipeline(b *testing.B) {
	fs := frags(b)
	p := policy()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.Sanitize(prepass(fs[i%len(fs)]))
		i++
	}
}

func TestCompare(t *testing.T) {
	p := policy()
	for _, in := range []string{
		`<p>unclosed <b>bold <i>both`,
		`<p>a&nbsp;b<br>c</p><img src="x.jpg">`,
		`<!-- <script>alert(1)</script> -->ok`,
		`<img src="data:image/gif;base64,R0lGOD" data-src="/real.jpg">`,
		`<a href="/x?utm_source=rss&amp;id=1">x</a>`,
		`safe<iframe src="http://example.com/"> <b>description</b></iframe>`,
		`<p>allegations.</p><p>Ukraine's</p>`,
	} {
		t.Logf("\nIN  %s\nBM  %s\nOWN %s", in, p.Sanitize(in), content.Sanitize(in, base))
	}
}
