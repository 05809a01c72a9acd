package story

import "testing"

func TestTmpSynth(t *testing.T) {
	items, gold := synthArticles(1, 4000, 400)
	g := NewGrouper(DefaultOptions())
	pred := make([]string, len(items))
	for i, it := range items {
		pred[i] = g.Add(it).Story
	}
	for _, it := range items[:6] {
		t.Logf("%s %s %s | %s", it.Published, it.Lang, it.Title, it.Summary)
	}
	p, r, f := bcubedTmp(gold, pred)
	t.Logf("synthetic b-cubed P=%.3f R=%.3f F1=%.3f stats=%+v", p, r, f, g.Stats())
}

func bcubedTmp(gold, pred []string) (p, r, f float64) {
	type k struct{ g, p string }
	cells := map[k]int{}
	gs, ps := map[string]int{}, map[string]int{}
	for i := range gold {
		cells[k{gold[i], pred[i]}]++
		gs[gold[i]]++
		ps[pred[i]]++
	}
	for c, v := range cells {
		p += float64(v*v) / float64(ps[c.p])
		r += float64(v*v) / float64(gs[c.g])
	}
	p /= float64(len(gold))
	r /= float64(len(gold))
	return p, r, 2 * p * r / (p + r)
}
