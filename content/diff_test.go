package content

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDiffWords(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []DiffOp
	}{
		{"same", "a b c", "a b c", []DiffOp{{DiffEqual, "a b c"}}},
		{"replace word", "The minister denied the report.", "The minister confirmed the report.",
			[]DiffOp{{DiffEqual, "The minister"}, {DiffDelete, " denied"}, {DiffInsert, " confirmed"}, {DiffEqual, " the report."}}},
		{"insert", "Five people died.", "Five people died, officials said.",
			[]DiffOp{{DiffEqual, "Five people"}, {DiffDelete, " died."}, {DiffInsert, " died, officials said."}}},
		{"delete sentence", "A. B. C.", "A. C.", []DiffOp{{DiffEqual, "A."}, {DiffDelete, " B."}, {DiffEqual, " C."}}},
		{"spacing is not an edit", "one two\nthree", "one  two three", []DiffOp{{DiffEqual, "one  two three"}}},
		{"from empty", "", "new text", []DiffOp{{DiffInsert, "new text"}}},
		{"to empty", "old text", "", []DiffOp{{DiffDelete, "old text"}}},
		{"both empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DiffWords(tt.old, tt.new)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// lcsLen is the textbook O(nm) LCS length, the reference for minimality.
func lcsLen(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func randomText(r *rand.Rand, n int) string {
	words := []string{"the", "minister", "said", "on", "Tuesday", "that", "talks", "would", "resume", "in", "Geneva", "allegations."}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if r.IntN(10) == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

// TestDiffWordsProperties: the ops rebuild both texts' words and are a
// shortest edit script (edits = n + m - 2·LCS).
func TestDiffWordsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		old, new := randomText(r, r.IntN(60)), randomText(r, r.IntN(60))
		ops := DiffWords(old, new)
		var ob, nb strings.Builder
		edits := 0
		for _, op := range ops {
			if op.Kind != DiffInsert {
				ob.WriteString(op.Text)
			}
			if op.Kind != DiffDelete {
				nb.WriteString(op.Text)
			}
			if op.Kind != DiffEqual {
				edits += len(strings.Fields(op.Text))
			}
		}
		if nb.String() != new {
			t.Fatalf("new not rebuilt:\n got %q\nwant %q", nb.String(), new)
		}
		if strings.Join(strings.Fields(ob.String()), " ") != strings.Join(strings.Fields(old), " ") {
			t.Fatalf("old not rebuilt:\n got %q\nwant %q", ob.String(), old)
		}
		a, b := strings.Fields(old), strings.Fields(new)
		if want := len(a) + len(b) - 2*lcsLen(a, b); edits != want {
			t.Fatalf("%d edits, shortest is %d\nold %q\nnew %q", edits, want, old, new)
		}
	}
}

// TestDiffWordsBounded: a complete rewrite of a long text falls back to
// line-level diffing and still rebuilds the new text.
func TestDiffWordsBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	old, new := randomText(r, 6000), randomText(r, 6000)
	ops := DiffWords(old, new)
	var nb strings.Builder
	for _, op := range ops {
		if op.Kind != DiffDelete {
			nb.WriteString(op.Text)
		}
	}
	if nb.String() != new {
		t.Fatal("new text not rebuilt")
	}
}

func BenchmarkDiffWords(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	old := randomText(r, 800)
	words := strings.Fields(old)
	for i := 0; i < 20; i++ { // twenty scattered edits, as a revised article
		words[r.IntN(len(words))] = "edited"
	}
	new := strings.Join(words, " ")
	b.ReportAllocs()
	for b.Loop() {
		DiffWords(old, new)
	}
}

func BenchmarkDiffWordsRewrite(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	old, new := randomText(r, 6000), randomText(r, 6000)
	b.ReportAllocs()
	for b.Loop() {
		DiffWords(old, new)
	}
}
