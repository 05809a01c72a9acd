package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"crosswire/content"
)

// The history page shows a word-level diff between revisions. The diff
// itself is content.DiffWords (a Myers diff over words); here its runs are
// cut into words and paragraph breaks so the page can keep the article's
// paragraphs and shorten the unchanged stretches.

type diffKind int8

const (
	diffEqual diffKind = iota
	diffDelete
	diffInsert
)

type diffOp struct {
	Kind diffKind
	Text string // one word, or paraBreak
}

// paraBreak stands for a blank line between paragraphs.
const paraBreak = "\n\n"

// diffWords returns the edit from old to new, word by word.
func diffWords(old, new string) []diffOp {
	var out []diffOp
	for _, op := range content.DiffWords(old, new) {
		kind := diffEqual
		switch op.Kind {
		case content.DiffInsert:
			kind = diffInsert
		case content.DiffDelete:
			kind = diffDelete
		}
		out = appendWords(out, kind, op.Text)
	}
	return out
}

// appendWords cuts a run into words; whitespace holding a blank line is a
// paragraph break.
func appendWords(out []diffOp, kind diffKind, text string) []diffOp {
	for i := 0; i < len(text); {
		newlines := 0
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				break
			}
			if r == '\n' {
				newlines++
			}
			i += size
		}
		if newlines >= 2 && len(out) > 0 {
			out = append(out, diffOp{kind, paraBreak})
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if i > start {
			out = append(out, diffOp{kind, text[start:i]})
		}
	}
	return out
}

// paragraphs splits a plain text on blank lines.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for p := range strings.SplitSeq(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// diffSpan is a run of words of one kind, as the template shows it.
type diffSpan struct {
	Kind string // "eq", "del", "ins" or "gap" (unchanged words left out)
	Text string
}

// diffParagraphs groups ops into paragraphs of spans for display, leaving
// out unchanged words farther than context words from any change.
func diffParagraphs(ops []diffOp, context int) [][]diffSpan {
	keep := make([]bool, len(ops))
	last := -1 << 30
	for i, op := range ops {
		if op.Kind != diffEqual {
			last = i
		}
		keep[i] = op.Kind != diffEqual || i-last <= context
	}
	last = 1 << 30
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].Kind != diffEqual {
			last = i
		}
		if last-i <= context {
			keep[i] = true
		}
	}

	var paras [][]diffSpan
	var cur []diffSpan
	add := func(kind, text string) {
		if n := len(cur); n > 0 && cur[n-1].Kind == kind {
			if kind != "gap" {
				cur[n-1].Text += " " + text
			}
			return
		}
		cur = append(cur, diffSpan{kind, text})
	}
	endPara := func() {
		if len(cur) > 0 {
			paras = append(paras, cur)
			cur = nil
		}
	}
	inGap, gapBreak := false, false
	flushGap := func() {
		if !inGap {
			return
		}
		inGap = false
		if gapBreak {
			// The left-out words spanned paragraphs: the gap stands alone.
			endPara()
			cur = []diffSpan{{"gap", "…"}}
			endPara()
			return
		}
		add("gap", "…")
	}
	for i, op := range ops {
		if !keep[i] {
			if !inGap {
				inGap, gapBreak = true, false
			}
			if op.Text == paraBreak {
				gapBreak = true
			}
			continue
		}
		flushGap()
		if op.Text == paraBreak {
			// An added or removed paragraph break shows as the split
			// itself; the words around it carry the colour.
			endPara()
			continue
		}
		switch op.Kind {
		case diffEqual:
			add("eq", op.Text)
		case diffDelete:
			add("del", op.Text)
		case diffInsert:
			add("ins", op.Text)
		}
	}
	flushGap()
	endPara()
	return paras
}

// diffChanged reports whether ops change anything.
func diffChanged(ops []diffOp) bool {
	for _, op := range ops {
		if op.Kind != diffEqual {
			return true
		}
	}
	return false
}
