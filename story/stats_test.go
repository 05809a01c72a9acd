package story

import (
	"testing"
	"time"
)

// TestFoldedStatistics: items whose stories ended are folded into day
// buckets, and the statistics stay those of the items in the window: every
// document frequency within [0, docs], every counted term interned, and
// once the whole archive has aged out only the newest item is counted.
func TestFoldedStatistics(t *testing.T) {
	items, _ := synthArticles(3, 12_000, 600) // 20 days, beyond StatsWindow
	g := NewGrouper(DefaultOptions())
	for _, it := range items {
		g.Add(it)
	}
	folded := 0
	for _, x := range g.stats.items() {
		if x.folded {
			folded++
			if x.vec != nil {
				t.Fatalf("folded item %s kept its vector", x.id)
			}
		}
	}
	if folded == 0 || len(g.buckets) == 0 {
		t.Fatalf("nothing folded: %d items, %d buckets", folded, len(g.buckets))
	}
	bucketDocs := 0
	for _, b := range g.buckets {
		bucketDocs += b.docs
	}
	if want := bucketDocs + len(g.stats.items()) - folded; g.voc.docs != want {
		t.Errorf("docs = %d, want %d (buckets) + %d (unfolded items)", g.voc.docs, bucketDocs, len(g.stats.items())-folded)
	}
	checkVocab(t, g)

	// A month later: everything before has aged out of the statistics.
	last := items[len(items)-1]
	late := fixtureItem("late", last.Published.Add(30*24*time.Hour), "Harbour ferry back in service",
		"The harbour ferry returned to service on Monday after three weeks of repairs.")
	g.Add(late)
	if st := g.Stats(); st.Docs != 1 || len(g.buckets) != 0 {
		t.Errorf("after the archive aged out: %d docs, %d buckets; want 1 and 0", st.Docs, len(g.buckets))
	}
	checkVocab(t, g)
	for id, key := range g.voc.keys {
		if key != "" && g.voc.df[id] != 1 {
			t.Errorf("term %q: df %d, want 1 (only the late item is counted)", key, g.voc.df[id])
		}
	}
}

// checkVocab checks the vocabulary's invariants.
func checkVocab(t *testing.T, g *Grouper) {
	t.Helper()
	for id, key := range g.voc.keys {
		df := g.voc.df[id]
		if key == "" {
			continue // freed
		}
		if df < 0 || int(df) > g.voc.docs {
			t.Fatalf("term %q: df %d outside [0, %d]", key, df, g.voc.docs)
		}
		if g.voc.refs[id] < 1 {
			t.Fatalf("term %q is interned with %d references", key, g.voc.refs[id])
		}
		if g.voc.upper[id] < 0 || g.voc.lower[id] < 0 {
			t.Fatalf("term %q: negative case counts %d/%d", key, g.voc.upper[id], g.voc.lower[id])
		}
	}
}
