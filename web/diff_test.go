package web

import (
	"strings"
	"testing"
)

func renderOps(ops []diffOp) string {
	var b strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case diffEqual:
			b.WriteString(op.Text)
		case diffDelete:
			b.WriteString("[-" + op.Text + "]")
		case diffInsert:
			b.WriteString("[+" + op.Text + "]")
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// words is a text's words with paraBreak between paragraphs.
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

func TestDiffWords(t *testing.T) {
	tests := []struct {
		old, new, want string
	}{
		{"a b c", "a b c", "a b c"},
		{"", "a b", "[+a] [+b]"},
		{"a b", "", "[-a] [-b]"},
		{"the minister said on Monday", "the minister said on Tuesday", "the minister said on [-Monday] [+Tuesday]"},
		{"five people were killed", "seven people were killed in the strike", "[-five] [+seven] people were killed [+in] [+the] [+strike]"},
		{"a x b y c", "a b c", "a [-x] b [-y] c"},
		{"one.\n\ntwo.", "one.\n\nnew.\n\ntwo.", "one. [+\n\n] [+new.] \n\n two."},
		// Unchanged words carry the new text's spacing (content.DiffWords),
		// so a removed first paragraph shows inline before the next.
		{"Leading.\n\nSame.", "Same.", "[-Leading.] Same."},
	}
	for _, tt := range tests {
		ops := diffWords(tt.old, tt.new)
		if got := renderOps(ops); got != tt.want {
			t.Errorf("diffWords(%q, %q)\n got %q\nwant %q", tt.old, tt.new, got, tt.want)
		}
		// Applying the ops must give the new text back with its
		// paragraphs, and the old one's words.
		var oldW, newW []string
		for _, op := range ops {
			if op.Kind != diffInsert && op.Text != paraBreak {
				oldW = append(oldW, op.Text)
			}
			if op.Kind != diffDelete {
				newW = append(newW, op.Text)
			}
		}
		if strings.Join(newW, " ") != strings.Join(words(tt.new), " ") {
			t.Errorf("diffWords(%q, %q) does not give the new text back: %q", tt.old, tt.new, newW)
		}
		if strings.Join(oldW, " ") != strings.Join(strings.Fields(tt.old), " ") {
			t.Errorf("diffWords(%q, %q) does not give the old words back: %q", tt.old, tt.new, oldW)
		}
	}
}

func TestDiffParagraphsCollapsesUnchanged(t *testing.T) {
	long := strings.Repeat("same ", 100)
	ops := diffWords(long+"old end", long+"new end")
	paras := diffParagraphs(ops, 3)
	if len(paras) != 1 {
		t.Fatalf("got %d paragraphs, want 1: %+v", len(paras), paras)
	}
	want := []diffSpan{{"gap", "…"}, {"eq", "same same same"}, {"del", "old"}, {"ins", "new"}, {"eq", "end"}}
	if len(paras[0]) != len(want) {
		t.Fatalf("spans %+v, want %+v", paras[0], want)
	}
	for i := range want {
		if paras[0][i] != want[i] {
			t.Errorf("span %d = %+v, want %+v", i, paras[0][i], want[i])
		}
	}
}

func TestDiffParagraphsGapAcrossParagraphsStandsAlone(t *testing.T) {
	old := "first changed here\n\n" + strings.Repeat("middle ", 40) + "\n\nlast one"
	new := "first edited here\n\n" + strings.Repeat("middle ", 40) + "\n\nlast two"
	paras := diffParagraphs(diffWords(old, new), 2)
	var gaps int
	for _, p := range paras {
		if len(p) == 1 && p[0].Kind == "gap" {
			gaps++
		}
	}
	if gaps != 1 {
		t.Errorf("want one standalone gap paragraph, got %d in %+v", gaps, paras)
	}
}
