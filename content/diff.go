package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DiffKind says what a DiffOp does to the old text.
type DiffKind int

const (
	DiffEqual DiffKind = iota
	DiffInsert
	DiffDelete
)

func (k DiffKind) String() string {
	switch k {
	case DiffInsert:
		return "insert"
	case DiffDelete:
		return "delete"
	}
	return "equal"
}

// DiffOp is one run of a word diff. Text carries the whitespace before
// each word, so concatenating the Equal and Insert runs gives the new text
// and the Equal and Delete runs give the old one (Equal runs are taken
// from the new text where only the spacing differs).
type DiffOp struct {
	Kind DiffKind
	Text string
}

// diffMaxEdits bounds a Myers diff: its cost is O((N+M)·D) time and
// O(D²) memory for D edits, so 1,000 edits cost at most ~4 MB and a few
// tens of milliseconds on article-sized texts. Past it the diff is done
// line by line first, then word by word within changed lines.
const diffMaxEdits = 1000

// DiffWords returns a word-level diff from old to new for the revision
// history page: a Myers (shortest edit script) diff over words, compared
// by their letters only so a change of spacing is not an edit.
func DiffWords(old, new string) []DiffOp {
	a, b := tokenize(old), tokenize(new)
	var out diffBuilder
	diffTokens(&out, a, b, true)
	// Every token but a text's first carries the space before it. Words
	// deleted before the new text's first word would touch it ("talks" +
	// "Tuesday"): give the deletion its trailing space back.
	if ops := out.ops; len(ops) > 1 && ops[0].Kind == DiffDelete {
		if r, _ := utf8.DecodeRuneInString(ops[1].Text); !unicode.IsSpace(r) {
			ops[0].Text += " "
		}
	}
	return out.ops
}

// token is a word with the whitespace before it.
type token struct {
	text string // whitespace + word
	key  string // the word
}

func tokenize(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		start := i
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += size
		}
		ws := i
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		out = append(out, token{text: s[start:i], key: s[ws:i]})
	}
	return out
}

type diffBuilder struct{ ops []DiffOp }

func (d *diffBuilder) add(kind DiffKind, text string) {
	if text == "" {
		return
	}
	if n := len(d.ops); n > 0 && d.ops[n-1].Kind == kind {
		d.ops[n-1].Text += text
		return
	}
	d.ops = append(d.ops, DiffOp{Kind: kind, Text: text})
}

func (d *diffBuilder) addTokens(kind DiffKind, ts []token) {
	if len(ts) == 0 {
		return
	}
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.text)
	}
	d.add(kind, b.String())
}

// diffTokens diffs a and b into out; byLines allows the line-level
// fallback when the word diff is too expensive.
func diffTokens(out *diffBuilder, a, b []token, byLines bool) {
	// Common prefix and suffix cost nothing and usually are most of an
	// edited article.
	p := 0
	for p < len(a) && p < len(b) && a[p].key == b[p].key {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s].key == b[len(b)-1-s].key {
		s++
	}
	out.addTokens(DiffEqual, b[:p])
	am, bm := a[p:len(a)-s], b[p:len(b)-s]
	switch {
	case len(am) == 0:
		out.addTokens(DiffInsert, bm)
	case len(bm) == 0:
		out.addTokens(DiffDelete, am)
	default:
		ak, bk := keys(am), keys(bm)
		if script, ok := myers(ak, bk, diffMaxEdits); ok {
			for _, e := range script {
				switch e.kind {
				case DiffEqual:
					out.addTokens(DiffEqual, bm[e.b0:e.b1])
				case DiffDelete:
					out.addTokens(DiffDelete, am[e.a0:e.a1])
				case DiffInsert:
					out.addTokens(DiffInsert, bm[e.b0:e.b1])
				}
			}
		} else if byLines {
			diffLines(out, am, bm)
		} else {
			out.addTokens(DiffDelete, am)
			out.addTokens(DiffInsert, bm)
		}
	}
	out.addTokens(DiffEqual, b[len(b)-s:])
}

func keys(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.key
	}
	return out
}

// diffLines is the fallback for heavily rewritten texts: lines (a token
// whose whitespace holds a newline starts one) are diffed first, then the
// words of each changed block.
func diffLines(out *diffBuilder, a, b []token) {
	al, bl := splitLines(a), splitLines(b)
	ak, bk := make([]string, len(al)), make([]string, len(bl))
	for i, l := range al {
		ak[i] = strings.Join(keys(l), " ")
	}
	for i, l := range bl {
		bk[i] = strings.Join(keys(l), " ")
	}
	script, ok := myers(ak, bk, diffMaxEdits)
	if !ok {
		out.addTokens(DiffDelete, a)
		out.addTokens(DiffInsert, b)
		return
	}
	flat := func(ls [][]token) []token {
		var ts []token
		for _, l := range ls {
			ts = append(ts, l...)
		}
		return ts
	}
	for i := 0; i < len(script); i++ {
		e := script[i]
		if e.kind == DiffEqual {
			out.addTokens(DiffEqual, flat(bl[e.b0:e.b1]))
			continue
		}
		// Gather the whole changed block between two equal runs.
		var da, db []token
		for ; i < len(script) && script[i].kind != DiffEqual; i++ {
			if script[i].kind == DiffDelete {
				da = append(da, flat(al[script[i].a0:script[i].a1])...)
			} else {
				db = append(db, flat(bl[script[i].b0:script[i].b1])...)
			}
		}
		i--
		diffTokens(out, da, db, false)
	}
}

func splitLines(ts []token) [][]token {
	var out [][]token
	start := 0
	for i, t := range ts {
		if i > start && strings.ContainsRune(t.text[:len(t.text)-len(t.key)], '\n') {
			out = append(out, ts[start:i])
			start = i
		}
	}
	if start < len(ts) {
		out = append(out, ts[start:])
	}
	return out
}

// edit is one run of a shortest edit script: a[a0:a1] deleted, b[b0:b1]
// inserted, or the two equal.
type edit struct {
	kind           DiffKind
	a0, a1, b0, b1 int
}

// myers computes a shortest edit script from a to b (Myers 1986, the
// greedy forward algorithm), keeping the furthest-reaching path of every
// diagonal for each edit count to walk it back. ok is false when more
// than maxD edits are needed.
func myers(a, b []string, maxD int) ([]edit, bool) {
	n, m := len(a), len(b)
	if maxD > n+m {
		maxD = n + m
	}
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	var trace [][]int32
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				found = d
				break
			}
		}
		snap := make([]int32, 2*d+1)
		copy(snap, v[off-d:off+d+1])
		trace = append(trace, snap)
	}
	if found < 0 {
		return nil, false
	}
	// Walk back from (n, m), collecting single steps in reverse.
	var rev []edit
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d-1] // k in [-(d-1), d-1] at index k+d-1
		at := func(k int) int { return int(prev[k+d-1]) }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py && (pk == k+1 || x > px+1) {
			rev = append(rev, edit{kind: DiffEqual, a0: x - 1, a1: x, b0: y - 1, b1: y})
			x--
			y--
		}
		if pk == k+1 {
			rev = append(rev, edit{kind: DiffInsert, a0: x, a1: x, b0: y - 1, b1: y})
			y--
		} else {
			rev = append(rev, edit{kind: DiffDelete, a0: x - 1, a1: x, b0: y, b1: y})
			x--
		}
	}
	for x > 0 && y > 0 {
		rev = append(rev, edit{kind: DiffEqual, a0: x - 1, a1: x, b0: y - 1, b1: y})
		x--
		y--
	}
	// Reverse and merge single steps into runs.
	var out []edit
	for i := len(rev) - 1; i >= 0; i-- {
		e := rev[i]
		if n := len(out); n > 0 && out[n-1].kind == e.kind && out[n-1].a1 == e.a0 && out[n-1].b1 == e.b0 {
			out[n-1].a1, out[n-1].b1 = e.a1, e.b1
			continue
		}
		out = append(out, e)
	}
	return out, true
}
