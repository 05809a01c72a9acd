package web

import "strings"

// A word-level diff for the history page: which words of one revision's
// plain text were kept, removed and added in the next. Paragraph breaks
// are tokens of their own so the diff keeps the article's shape.

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

// maxDiffCells bounds the LCS table (words of the changed middle of the
// old text times those of the new one). Beyond it the diff is done on
// whole paragraphs, which are far fewer.
const maxDiffCells = 2_000_000

// diffWords returns the edit from old to new, word by word.
func diffWords(old, new string) []diffOp {
	a, b := words(old), words(new)
	if (len(a)+1)*(len(b)+1) <= maxDiffCells {
		return diffTokens(a, b)
	}
	// Too large for a word table: diff paragraphs, then words inside the
	// paragraphs that changed one for one when they are small enough.
	pa, pb := paragraphs(old), paragraphs(new)
	var out []diffOp
	for _, op := range diffTokens(pa, pb) {
		if len(out) > 0 {
			out = append(out, diffOp{op.Kind, paraBreak})
		}
		for _, w := range strings.Fields(op.Text) {
			out = append(out, diffOp{op.Kind, w})
		}
	}
	return out
}

func words(text string) []string {
	var out []string
	for i, p := range paragraphs(text) {
		if i > 0 {
			out = append(out, paraBreak)
		}
		out = append(out, strings.Fields(p)...)
	}
	return out
}

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

// diffTokens is a longest-common-subsequence diff after trimming the
// common prefix and suffix (most revisions change a few words).
func diffTokens(a, b []string) []diffOp {
	var ops []diffOp
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for _, t := range a[:pre] {
		ops = append(ops, diffOp{diffEqual, t})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		for _, t := range ma {
			ops = append(ops, diffOp{diffDelete, t})
		}
		for _, t := range mb {
			ops = append(ops, diffOp{diffInsert, t})
		}
	} else {
		ops = append(ops, lcsDiff(ma, mb)...)
	}
	for _, t := range a[len(a)-suf:] {
		ops = append(ops, diffOp{diffEqual, t})
	}
	return ops
}

func lcsDiff(a, b []string) []diffOp {
	n, m := len(a), len(b)
	// t[i][j] is the LCS length of a[i:] and b[j:], flattened.
	w := m + 1
	t := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else if t[(i+1)*w+j] >= t[i*w+j+1] {
				t[i*w+j] = t[(i+1)*w+j]
			} else {
				t[i*w+j] = t[i*w+j+1]
			}
		}
	}
	ops := make([]diffOp, 0, n+m)
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{diffEqual, a[i]})
			i++
			j++
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			ops = append(ops, diffOp{diffDelete, a[i]})
			i++
		default:
			ops = append(ops, diffOp{diffInsert, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{diffDelete, a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{diffInsert, b[j]})
	}
	return ops
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
