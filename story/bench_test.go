package story

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"crosswire/internal/cputime"
)

// BenchmarkGroup groups whole synthetic archives at 400 articles a day.
// ns/article is the mean cost of Add; with the window bounded it should
// barely move between 10k and 100k articles.
func BenchmarkGroup(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		items, _ := synthArticles(1, n, 400)
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			var (
				st Stats
				g  *Grouper
			)
			cpu := startCPU()
			for b.Loop() {
				g = NewGrouper(DefaultOptions())
				for _, it := range items {
					g.Add(it)
				}
				st = g.Stats()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/article")
			cpu.report(b, n)
			b.ReportMetric(float64(st.Stories), "live-stories")
			b.ReportMetric(float64(st.Terms), "terms")
			// The window holds a fortnight of term statistics, 400 a day.
			b.ReportMetric(float64(heldBy(b, &g)), "held-B")
		})
	}
}

// BenchmarkGroupBusy is BenchmarkGroup at a busy hub's 5,000 articles a
// day (20 days): what the grouper holds (held-B) is then mostly its
// fortnight of term statistics.
func BenchmarkGroupBusy(b *testing.B) {
	items, _ := synthArticles(1, 100_000, 5000)
	var g *Grouper
	for b.Loop() {
		g = NewGrouper(DefaultOptions())
		for _, it := range items {
			g.Add(it)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/article")
	b.ReportMetric(float64(heldBy(b, &g)), "held-B")
}

// BenchmarkAddAfter measures one Add once n articles have gone before it,
// the cost the live pipeline pays per article as its archive grows.
func BenchmarkAddAfter(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		items, _ := synthArticles(2, n+20_000, 400)
		b.Run(fmt.Sprintf("archive=%d", n), func(b *testing.B) {
			g := NewGrouper(DefaultOptions())
			for _, it := range items[:n] {
				g.Add(it)
			}
			rest := items[n:]
			i := 0
			for b.Loop() {
				if i == len(rest) {
					b.StopTimer()
					g = NewGrouper(DefaultOptions())
					for _, it := range items[:n] {
						g.Add(it)
					}
					i = 0
					b.StartTimer()
				}
				g.Add(rest[i])
				i++
			}
		})
	}
}

// BenchmarkDense groups a feedfarm-shaped cold ingest (see denseArticles):
// 1000 feeds x 30 items, all within a few days and sharing one small
// vocabulary, so every term's posting list holds most recent stories. The
// per-article cost must stay bounded however dense the window is. "arrival"
// feeds items feed by feed as an ingest does; "published" sorts them first,
// as `stories group` and a rebuild do.
func BenchmarkDense(b *testing.B) {
	items := denseArticles(11, 1000, 30)
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b Item) int { return a.Published.Compare(b.Published) })
	for _, c := range []struct {
		name  string
		items []Item
	}{{"arrival", items}, {"published", sorted}} {
		b.Run(c.name, func(b *testing.B) {
			var (
				st Stats
				g  *Grouper
			)
			cpu := startCPU()
			for b.Loop() {
				g = NewGrouper(DefaultOptions())
				for _, it := range c.items {
					g.Add(it)
				}
				st = g.Stats()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.items)), "ns/article")
			cpu.report(b, len(c.items))
			b.ReportMetric(float64(st.Stories), "live-stories")
			b.ReportMetric(float64(heldBy(b, &g))/float64(len(c.items)), "held-B/article")
		})
	}
}

// cpuMeter reports CPU time per article beside the wall time: the machine
// that runs the benchmarks is often shared, and wall time then counts
// other processes' work.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := cputime.Process()
	return cpuMeter{t, ok}
}

func (m cpuMeter) report(b *testing.B, perLoop int) {
	if t, ok := cputime.Process(); ok && m.ok {
		b.ReportMetric(float64((t-m.start).Nanoseconds())/float64(b.N*perLoop), "cpu-ns/article")
	}
}

// BenchmarkFeatures measures reading one article (tokens, stems,
// transliteration, skeletons) apart from grouping it.
func BenchmarkFeatures(b *testing.B) {
	items := denseArticles(11, 100, 30)
	x := &extractor{lx: sharedLexicon()}
	i := 0
	for b.Loop() {
		x.read(items[i%len(items)])
		i++
	}
}

// heldBy measures the heap a grouper holds: the live heap with it, less the
// live heap once it is dropped (*g is set to nil).
func heldBy(b *testing.B, g **Grouper) uint64 {
	b.StopTimer()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	held := m.HeapAlloc
	runtime.KeepAlive(*g)
	*g = nil
	runtime.GC()
	runtime.ReadMemStats(&m)
	return held - min(held, m.HeapAlloc)
}
