package content

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText renders an HTML fragment as plain text for summaries, search
// and feed descriptions. Blocks (paragraphs, headings, quotes, captions,
// tables) are separated by a blank line, list items and table rows get a
// line each ("- " or "1. " before items, " | " between cells), <br> is a
// line break. Entities are decoded, whitespace runs and no-break spaces
// become one space. Words of two blocks are never glued: "allegations."
// and "Ukraine's" in two paragraphs stay two paragraphs.
func PlainText(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	nodes, err := parseFragment(fragment)
	if err != nil {
		return ""
	}
	return plainTextNodes(nodes)
}

func plainTextNodes(nodes []*html.Node) string {
	t := &textWriter{}
	t.b.Grow(1024)
	for _, n := range nodes {
		t.node(n)
	}
	return strings.TrimRightFunc(t.b.String(), unicode.IsSpace)
}

type listState struct {
	ordered bool
	n       int
}

type textWriter struct {
	b       strings.Builder
	brk     int    // line breaks owed before the next word
	space   bool   // a space is owed before the next word
	sep     string // a cell separator owed before the next word
	prefix  string // list marker owed before the next word
	pre     int
	lists   []listState
	written bool
}

func (t *textWriter) need(lines int) {
	if lines > t.brk {
		t.brk = lines
	}
}

func (t *textWriter) beforeWord() {
	if t.written {
		switch {
		case t.brk > 0:
			for i := 0; i < t.brk; i++ {
				t.b.WriteByte('\n')
			}
		case t.sep != "":
			t.b.WriteString(t.sep)
		case t.space:
			t.b.WriteByte(' ')
		}
	}
	if t.prefix != "" {
		t.b.WriteString(t.prefix)
		t.prefix = ""
	}
	t.brk, t.space, t.sep = 0, false, ""
	t.written = true
}

func (t *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.text(n.Data)
	case html.ElementNode:
		t.element(n)
	case html.DocumentNode:
		t.children(n)
	}
}

func (t *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.node(c)
	}
}

func (t *textWriter) element(n *html.Node) {
	if n.Namespace != "" {
		return
	}
	start := ""
	if isListAtom(n.DataAtom) {
		start = attr(n, "start")
	}
	if t.open(n.DataAtom, start) {
		t.children(n)
		t.close(n.DataAtom)
	}
}

func isListAtom(a atom.Atom) bool {
	return a == atom.Ul || a == atom.Ol || a == atom.Menu || a == atom.Dir
}

// open starts an element (start is a list's start attribute) and reports
// whether its content is text; close ends one that was. They are apart so
// text can be read from a tree (element) or from the sanitizer's own
// output (sanitizedText).
func (t *textWriter) open(a atom.Atom, start string) bool {
	if r, ok := rules[a]; ok && r.kind == kDrop {
		return false
	}
	switch a {
	case atom.Noscript, atom.Iframe, atom.Video, atom.Audio, atom.Img, atom.Picture:
		return false
	case atom.Br:
		if t.pre > 0 {
			t.b.WriteByte('\n')
			return false
		}
		t.need(1)
		return false
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		t.need(t.listGap())
		ls := listState{ordered: a == atom.Ol, n: 1}
		if v, err := strconv.Atoi(strings.TrimSpace(start)); err == nil {
			ls.n = v
		}
		t.lists = append(t.lists, ls)
	case atom.Li:
		t.need(1)
		t.prefix = "- "
		if k := len(t.lists); k > 0 {
			if t.lists[k-1].ordered {
				t.prefix = strconv.Itoa(t.lists[k-1].n) + ". "
				t.lists[k-1].n++
			}
			if k > 1 {
				t.prefix = strings.Repeat("  ", k-1) + t.prefix
			}
		}
	case atom.Tr, atom.Dt, atom.Dd:
		t.need(1)
	case atom.Td, atom.Th:
		if t.written && t.brk == 0 {
			t.sep = " | "
		}
	case atom.Pre, atom.Xmp, atom.Listing, atom.Plaintext:
		t.need(2)
		t.pre++
	default:
		if isBlockAtom(a) {
			t.need(2)
		}
	}
	return true
}

func (t *textWriter) close(a atom.Atom) {
	switch a {
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		t.lists = t.lists[:len(t.lists)-1]
		t.need(t.listGap())
	case atom.Li:
		t.prefix = ""
		t.need(1)
	case atom.Tr, atom.Dt, atom.Dd:
		t.need(1)
	case atom.Td, atom.Th:
		// Cells are blocks, but a row's cells share its line.
	case atom.Pre, atom.Xmp, atom.Listing, atom.Plaintext:
		t.pre--
		t.need(2)
	default:
		if isBlockAtom(a) {
			t.need(2)
		}
	}
}

// listGap is the break around a list: a paragraph's, or one line for a
// list nested in an item.
func (t *textWriter) listGap() int {
	if len(t.lists) > 0 {
		return 1
	}
	return 2
}

func (t *textWriter) text(s string) {
	if t.pre > 0 {
		s = strings.TrimPrefix(s, "\n")
		if s == "" {
			return
		}
		t.beforeWord()
		t.b.WriteString(strings.Map(func(r rune) rune {
			if r == '\u00a0' {
				return ' '
			}
			if !keepRune(r) {
				return -1
			}
			return r
		}, s))
		return
	}
	for i := 0; i < len(s); {
		j, n, _ := spaceRun(s, i)
		if n > 0 {
			t.space = true
			i = j
			continue
		}
		j = wordEnd(s, i)
		w := s[i:j]
		i = j
		if !hasVisible(w) {
			continue
		}
		t.beforeWord()
		if clean(w) {
			t.b.WriteString(w)
			continue
		}
		for _, r := range w {
			if r == utf8.RuneError || keepRune(r) && r != '\u200b' && r != '\ufeff' {
				t.b.WriteRune(r)
			}
		}
	}
}

// clean reports whether w is printable ASCII, which needs no filtering.
func clean(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 0x20 || w[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Excerpt shortens text to at most max characters (runes), cutting at a
// word boundary and ending with "…". Text that fits is returned unchanged
// (trimmed). A text with no space near the limit (CJK, a long URL) is cut
// mid-word rather than made much shorter than asked.
func Excerpt(text string, max int) string {
	text = strings.TrimSpace(text)
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	if max == 1 {
		return "…"
	}
	// Byte offset of the rune that would be the (max)th: keep max-1 runes
	// and the ellipsis.
	cut, n := len(text), 0
	for i := range text {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	head := text[:cut]
	nextIsSpace := true
	if r, _ := utf8.DecodeRuneInString(text[cut:]); !unicode.IsSpace(r) {
		nextIsSpace = false
	}
	if !nextIsSpace {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= 0 && utf8.RuneCountInString(head[:i]) >= (max-1)/2 {
			head = head[:i]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—([{«\"'", r)
	})
	return head + "…"
}
