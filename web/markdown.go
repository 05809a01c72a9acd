package web

import (
	"html/template"
	"net/url"
	"strings"
)

// renderMarkdown renders the small Markdown subset publishers write
// disclaimers in: paragraphs (split on blank lines), *emphasis*,
// **strong** (also with underscores), [links](https://...) with http(s)
// targets only, and backslash escapes. Everything else is escaped text, so
// the result is safe to put in a page or a feed as it is.
func renderMarkdown(src string) template.HTML {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		renderInline(&b, strings.Join(para, "\n"), 0, false)
		b.WriteString("</p>")
		para = para[:0]
	}
	for line := range strings.SplitSeq(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	// Safe by construction: every byte of the source went through
	// writeEscaped or is a tag this renderer wrote.
	return template.HTML(b.String())
}

// maxInlineDepth bounds nesting so a hostile input cannot recurse deeply.
const maxInlineDepth = 8

func renderInline(b *strings.Builder, s string, depth int, inLink bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			writeEscaped(b, s[i+1:i+2])
			i += 2
			continue
		case c == '[' && !inLink && depth < maxInlineDepth:
			if text, dest, n, ok := parseLink(s[i:]); ok {
				if href, ok := safeLink(dest); ok {
					b.WriteString(`<a href="`)
					writeEscaped(b, href)
					b.WriteString(`">`)
					renderInline(b, text, depth+1, true)
					b.WriteString("</a>")
				} else {
					renderInline(b, text, depth+1, inLink)
				}
				i += n
				continue
			}
		case (c == '*' || c == '_') && depth < maxInlineDepth:
			delim := s[i : i+1]
			if i+1 < len(s) && s[i+1] == c {
				delim = s[i : i+2]
			}
			if j := closeEmphasis(s, i, delim); j > 0 {
				tag := "em"
				if len(delim) == 2 {
					tag = "strong"
				}
				b.WriteString("<" + tag + ">")
				renderInline(b, s[i+len(delim):j], depth+1, inLink)
				b.WriteString("</" + tag + ">")
				i = j + len(delim)
				continue
			}
			writeEscaped(b, delim)
			i += len(delim)
			continue
		}
		writeEscaped(b, s[i:i+1])
		i++
	}
}

// closeEmphasis returns where the delimiter opened at s[open] closes, or
// -1. Like CommonMark, an opener must be followed by a non-space and a
// closer preceded by one; underscores inside words (snake_case) do not
// count.
func closeEmphasis(s string, open int, delim string) int {
	start := open + len(delim)
	if start >= len(s) || isSpace(s[start]) {
		return -1
	}
	c := delim[0]
	if c == '_' && open > 0 && isAlnum(s[open-1]) {
		return -1
	}
	for j := start + 1; j+len(delim) <= len(s); j++ {
		if s[j-1] == '\\' {
			continue
		}
		if s[j:j+len(delim)] != delim || isSpace(s[j-1]) {
			continue
		}
		end := j + len(delim)
		if len(delim) == 1 && (s[j-1] == c || end < len(s) && s[end] == c) {
			continue // part of a double delimiter
		}
		if c == '_' && end < len(s) && isAlnum(s[end]) {
			continue
		}
		return j
	}
	return -1
}

// parseLink reads "[text](dest)" or "[text](dest "title")" at the start of
// s and returns its parts and length.
func parseLink(s string) (text, dest string, n int, ok bool) {
	depth := 0
	closeText := -1
	for i := 0; i < len(s) && closeText < 0; i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				closeText = i
			}
		}
	}
	if closeText < 0 || closeText+1 >= len(s) || s[closeText+1] != '(' {
		return "", "", 0, false
	}
	depth = 0
	for i := closeText + 1; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				inner := strings.TrimSpace(s[closeText+2 : i])
				if f := strings.Fields(inner); len(f) > 0 {
					inner = f[0] // an optional "title" follows the address
				}
				return s[1:closeText], inner, i + 1, true
			}
		case '\n':
			return "", "", 0, false
		}
	}
	return "", "", 0, false
}

// safeLink accepts absolute http(s) addresses only.
func safeLink(dest string) (string, bool) {
	dest = strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
	u, err := url.Parse(dest)
	if err != nil || u.Host == "" {
		return "", false
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return "", false
	}
	return u.String(), true
}

func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteByte(s[i])
		}
	}
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
