package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// excerpt is the start of a plain text, at most max runes, cut at a word
// boundary. Paragraph breaks become spaces.
func excerpt(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cut, n := 0, 0
	for i := range text {
		if n == max {
			cut = i
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(text[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRightFunc(text[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '.' && r != '?' && r != '!'
	}) + "…"
}

// articleText is an article's plain text: the pipeline's rendering, or
// one made from its HTML when that is missing.
func plainText(text, fallbackHTML string) string {
	if strings.TrimSpace(text) != "" {
		return text
	}
	return textFromHTML(fallbackHTML)
}

// textFromHTML extracts readable text from an HTML fragment, with block
// elements separated so words of two paragraphs are not glued.
func textFromHTML(fragment string) string {
	if fragment == "" {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(paragraphs(b.String()), "\n\n")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.P, atom.Div, atom.Br, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Blockquote, atom.Figcaption, atom.Tr, atom.Section, atom.Article, atom.Pre:
				b.WriteString("\n\n")
			}
		}
	}
}

// slugify makes the readable part of an article's address from its title:
// ASCII letters and digits joined by hyphens, at most about 60 bytes.
// Titles in other scripts give no slug; the ID alone is the address.
func slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}

// parseIDSlug reads "123" or "123-some-title".
func parseIDSlug(s string) (int64, bool) {
	digits := s
	if i := strings.IndexByte(s, '-'); i >= 0 {
		digits = s[:i]
	}
	if digits == "" || len(digits) > 18 || digits[0] == '0' {
		return 0, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}

// hostOf is the host name of an address for display, without "www.".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// webURL returns raw if it is an absolute http(s) address, else "".
func webURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}

// countryName turns an ISO 3166-1 code into its English name.
func countryName(code string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.English.Regions().Name(r); name != "" {
		return name
	}
	return code
}

// languageName turns a BCP 47 tag into its English name.
func languageName(tag string) string {
	if tag == "" {
		return ""
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.English.Languages().Name(t); name != "" {
		return name
	}
	return tag
}

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
