package story

import (
	"os"
	"testing"
	"time"
)

// devSet is the shared development set, beside the repository.
const devSet = "../../shared/stories/dev.jsonl"

func loadDev(t *testing.T) []labeled {
	t.Helper()
	if _, err := os.Stat(devSet); err != nil {
		t.Skipf("development set not available (%v); it lives in the shared folder beside the repository", err)
	}
	return loadLabeled(t, devSet)
}

func scoreSet(items []labeled) (p, r, f float64) {
	ds := groupAll(DefaultOptions(), items)
	gold := make([]string, len(items))
	pred := make([]string, len(items))
	for i := range items {
		gold[i], pred[i] = items[i].gold, ds[i].Story
	}
	return bcubed(gold, pred)
}

// TestDevSet groups the development set as `crosswire stories group`
// does and requires the B-cubed F1 the issue asks for.
func TestDevSet(t *testing.T) {
	items := loadDev(t)
	p, r, f := scoreSet(items)
	t.Logf("dev: %d articles, b-cubed P=%.3f R=%.3f F1=%.3f", len(items), p, r, f)
	if f < 0.90 {
		t.Errorf("dev b-cubed F1 %.3f < 0.90", f)
	}
}

// TestDevSplit is the generalisation check: the settings were chosen on
// the stories that begin in the first ten days; the later stories are
// grouped on their own, from a cold start, as a held-out set would be.
func TestDevSplit(t *testing.T) {
	items := loadDev(t)
	start := map[string]time.Time{}
	var first time.Time
	for _, it := range items {
		if s, ok := start[it.gold]; !ok || it.Published.Before(s) {
			start[it.gold] = it.Published
		}
		if first.IsZero() || it.Published.Before(first) {
			first = it.Published
		}
	}
	cut := first.Truncate(24 * time.Hour).Add(10 * 24 * time.Hour)
	var early, late []labeled
	for _, it := range items {
		if start[it.gold].Before(cut) {
			early = append(early, it)
		} else {
			late = append(late, it)
		}
	}
	for _, part := range []struct {
		name  string
		items []labeled
	}{{"first ten days (tuning)", early}, {"rest (held out)", late}} {
		p, r, f := scoreSet(part.items)
		t.Logf("%s: %d articles, b-cubed P=%.3f R=%.3f F1=%.3f", part.name, len(part.items), p, r, f)
		if f < 0.90 {
			t.Errorf("%s: b-cubed F1 %.3f < 0.90", part.name, f)
		}
	}
}

// TestDevArrivalJitter feeds the development set in the order a live hub
// might see it, each article up to three hours late, and checks the
// grouping does not fall apart.
func TestDevArrivalJitter(t *testing.T) {
	items := loadDev(t)
	shuffled := make([]labeled, len(items))
	copy(shuffled, items)
	// Deterministic lateness from the article's position in the file.
	late := func(i int) time.Duration { return time.Duration((i*7919)%180) * time.Minute }
	arrival := make(map[string]time.Time, len(items))
	for i, it := range shuffled {
		arrival[it.ID] = it.Published.Add(late(i))
	}
	order := make([]int, len(shuffled))
	for i := range order {
		order[i] = i
	}
	sortByArrival(order, shuffled, arrival)
	g := NewGrouper(DefaultOptions())
	gold := make([]string, 0, len(items))
	pred := make([]string, 0, len(items))
	for _, i := range order {
		d := g.Add(shuffled[i].Item)
		gold = append(gold, shuffled[i].gold)
		pred = append(pred, d.Story)
	}
	p, r, f := bcubed(gold, pred)
	t.Logf("dev with arrival jitter: b-cubed P=%.3f R=%.3f F1=%.3f", p, r, f)
	if f < 0.85 {
		t.Errorf("b-cubed F1 %.3f < 0.85 with out-of-order arrival", f)
	}
}

func sortByArrival(order []int, items []labeled, arrival map[string]time.Time) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && arrival[items[order[j]].ID].Before(arrival[items[order[j-1]].ID]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}
