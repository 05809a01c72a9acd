package story

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCentroidsStayExact checks the bookkeeping that matching relies on:
// after items join (merged into sorted centroids, lengths updated in
// place) and leave (revised articles), every live story's centroid is
// what its members sum to, its length is what a full recomputation gives,
// and the index knows how many live stories have each term.
func TestCentroidsStayExact(t *testing.T) {
	items, _ := synthArticles(5, 3000, 400)
	g := NewGrouper(DefaultOptions())
	r := rand.New(rand.NewPCG(5, 6))
	for i, it := range items {
		g.Add(it)
		if i > 10 && r.IntN(10) == 0 {
			// A revision of an earlier article: it leaves its story and
			// is placed again.
			old := items[i-1-r.IntN(10)]
			old.Title += " (updated)"
			g.Add(old)
		}
	}
	live := map[termID]int32{}
	checked := 0
	for _, s := range g.stories.items() {
		if !s.alive {
			continue
		}
		type sum struct {
			w float64
			n int32
		}
		want := map[termID]sum{}
		for _, y := range s.members {
			for _, e := range y.vec {
				w := want[e.t]
				w.w += float64(e.w / float32(y.rawNorm))
				w.n++
				want[e.t] = w
			}
		}
		if !slices.IsSortedFunc(s.cent, func(a, b centEntry) int { return cmp.Compare(a.t, b.t) }) {
			t.Fatalf("story %s: centroid not sorted by term", s.label)
		}
		if len(s.cent) != len(want) {
			t.Fatalf("story %s: centroid has %d terms, members have %d", s.label, len(s.cent), len(want))
		}
		for _, c := range s.cent {
			w, ok := want[c.t]
			if !ok || c.n != w.n || math.Abs(float64(c.w)-w.w) > 1e-4 {
				t.Fatalf("story %s term %q: centroid (%v, %d), members sum to (%v, %d)", s.label, g.voc.keys[c.t], c.w, c.n, w.w, w.n)
			}
			live[c.t]++
		}
		if s.normOK && s.normDocs == g.idfDocs {
			got := s.norm
			s.normOK = false
			// Only the rarities of the terms no member brought since the
			// last full count have moved.
			if full := g.centroidNorm(s); math.Abs(got-full) > 1e-3*full {
				t.Errorf("story %s: centroid length %v kept in place, %v recomputed", s.label, got, full)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no story had a length kept in place")
	}
	for id := range g.liveWith {
		if got, want := g.liveWith[id], live[termID(id)]; got != want {
			t.Errorf("term %q: index counts %d live stories, centroids %d", g.voc.keys[id], got, want)
		}
	}
}

// TestCommonTermsProposeNothing: a term on more than MaxPostings live
// stories does not propose candidates, so an item that shares only such
// a term with many stories is compared with the one story it shares a
// rare term with, not with all of them.
func TestCommonTermsProposeNothing(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	opt := DefaultOptions()
	opt.MaxPostings = 8
	g := NewGrouper(opt)
	for i := range 20 {
		// Twenty stories that all mention the harbour.
		id := fmt.Sprintf("h%d", i)
		g.Pin(fixtureItem(id, t0.Add(time.Duration(i)*time.Minute),
			synthName(i)+" harbour", fmt.Sprintf("%s %d.", synthName(i+100), 1000+37*i)), id)
	}
	if n := g.liveStoriesWith(g.voc.ids["w:port"]); n <= opt.MaxPostings {
		t.Fatalf("%d live stories have the common term; the test needs more than %d", n, opt.MaxPostings)
	}
	x := g.prepare(fixtureItem("q", t0.Add(time.Hour), "Harbour reopens", fmt.Sprintf("%s %d.", synthName(107), 1000+37*7)))
	q := g.newQuery(x)
	defer q.release()
	var labels []string
	for _, s := range g.candidates(q) {
		labels = append(labels, s.label)
	}
	if len(labels) != 1 || labels[0] != "h7" {
		t.Errorf("candidates %v; want only h7, which shares the code", labels)
	}
}

// synthName is a made-up name, different for each i < 600.
func synthName(i int) string {
	n := len(synthSyllables)
	return capitalize(synthSyllables[i%n] + synthSyllables[(i/n)%n] + "ov")
}

// TestBestStories compares the partial selection of candidates with
// sorting them all.
func TestBestStories(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := r.IntN(60)
		found := make([]*story, n)
		for i := range found {
			// Few distinct weights, so ties (broken by label) are common.
			found[i] = &story{label: fmt.Sprintf("s%03d", r.IntN(1000)), acc: float64(r.IntN(5))}
		}
		k := 1 + r.IntN(10)
		got := bestStories(nil, found, k)
		want := slices.Clone(found)
		slices.SortStableFunc(want, func(a, b *story) int {
			if c := cmp.Compare(b.acc, a.acc); c != 0 {
				return c
			}
			return strings.Compare(a.label, b.label)
		})
		want = want[:min(k, n)]
		for i := range want {
			if got[i].acc != want[i].acc || got[i].label != want[i].label {
				t.Fatalf("k=%d: got %v, want %v", k, storyKeys(got), storyKeys(want))
			}
		}
	}
}

func storyKeys(ss []*story) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s:%v", s.label, s.acc))
	}
	return out
}

// TestOwnTermsMatchSort compares the one-pass choice of a new story's
// terms with sorting all of the item's terms, also when more names are
// asked for than the first pass keeps.
func TestOwnTermsMatchSort(t *testing.T) {
	items, _ := synthArticles(9, 300, 400)
	for _, top := range []int{6, 40} {
		opt := DefaultOptions()
		opt.TopTerms = top
		g := NewGrouper(opt)
		for _, it := range items {
			q := g.newQuery(g.prepare(it))
			got := g.ownTerms(q)
			idx := make([]int, len(q.x.vec))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(q.w[b], q.w[a]) })
			var want []string
			for _, i := range idx {
				if name := g.termName(q.x.vec[i].t); !slices.Contains(want, name) && len(want) < top {
					want = append(want, name)
				}
			}
			q.release()
			if !slices.Equal(got, want) {
				t.Fatalf("TopTerms %d, %s: got %v, want %v", top, it.ID, got, want)
			}
		}
	}
}
