package story

import (
	"fmt"
	"testing"
)

// BenchmarkGroup groups whole synthetic archives at 400 articles a day.
// ns/article is the mean cost of Add; with the window bounded it should
// barely move between 10k and 100k articles.
func BenchmarkGroup(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		items, _ := synthArticles(1, n, 400)
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			var st Stats
			for b.Loop() {
				g := NewGrouper(DefaultOptions())
				for _, it := range items {
					g.Add(it)
				}
				st = g.Stats()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/article")
			b.ReportMetric(float64(st.Stories), "live-stories")
			b.ReportMetric(float64(st.Terms), "terms")
		})
	}
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
