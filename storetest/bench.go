package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/internal/cputime"
)

// Benchmark runs the store benchmarks every adapter reports, each against
// a new, empty store from open:
//
//   - SaveArticles/new30: one poll of one source bringing 30 new articles
//     (about 4 KB of HTML and text each), into a growing archive;
//   - SaveArticles/unchanged30: the same 30 articles polled again;
//   - SaveArticles/changed30: all 30 with a new text (30 new revisions);
//   - Articles100k/...: page queries on an archive of 100,000 articles
//     from 20 sources, 18 of them republished (built before timing, then
//     analyzed if the store has an Analyze(ctx) method; bodies are about
//     1 KB there to keep the setup quick).
//
// Each reports articles/s besides ns/op.
func Benchmark(b *testing.B, open func(tb testing.TB) crosswire.Store) {
	b.Run("SaveArticles", func(b *testing.B) {
		b.Run("new30", func(b *testing.B) { benchSaveNew(b, open(b)) })
		b.Run("unchanged30", func(b *testing.B) { benchSaveUnchanged(b, open(b)) })
		b.Run("changed30", func(b *testing.B) { benchSaveChanged(b, open(b)) })
	})
	b.Run("Articles100k", func(b *testing.B) { benchQueries(b, open(b)) })
}

const pollSize = 30

// body is filler text of about n bytes in paragraphs.
func body(n int, seed string) (html, text string) {
	const para = "The ministry said on Tuesday that the measures would remain in force until further notice, " +
		"and officials declined to say how many people had been affected so far. "
	var h, p strings.Builder
	for i := 0; h.Len() < n; i++ {
		fmt.Fprintf(&h, "<p>%s %d: %s</p>", seed, i, para)
		if i > 0 {
			p.WriteString("\n\n")
		}
		fmt.Fprintf(&p, "%s %d: %s", seed, i, para)
	}
	return h.String(), p.String()
}

func benchArticle(src crosswire.Source, key string, n int, published, seen time.Time, content, text string) *crosswire.Article {
	return &crosswire.Article{
		SourceID:    src.ID,
		Key:         key,
		GUID:        key,
		URL:         "https://" + src.Slug + ".example/news/" + key,
		Title:       "Officials extend measures as talks continue, report " + key,
		Author:      "Staff reporter",
		Categories:  []string{"world", "europe"},
		Summary:     "<p>Officials extended the measures on Tuesday as talks continued.</p>",
		Content:     content,
		Text:        text,
		ImageURL:    "https://" + src.Slug + ".example/img/" + key + ".jpg",
		Language:    "en",
		PublishedAt: published,
		UpdatedAt:   published,
		FirstSeenAt: seen,
		LastSeenAt:  seen,
		Hash:        fmt.Sprintf("%s-v%d", key, n),
	}
}

// cpuMeter reports this process's CPU time per op ("cpu-ns/op") next to
// the wall time; for a client/server store it leaves out the server's.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) *cpuMeter {
	b.ResetTimer()
	start, ok := cputime.Process()
	return &cpuMeter{start, ok}
}

func (m *cpuMeter) report(b *testing.B, articlesPerOp int) {
	b.StopTimer()
	if end, ok := cputime.Process(); ok && m.ok {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
	if articlesPerOp > 0 {
		b.ReportMetric(float64(articlesPerOp*b.N)/b.Elapsed().Seconds(), "articles/s")
	}
}

func benchSaveNew(b *testing.B, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(b, s, "bench")
	content, text := body(2000, "para")
	cpu := startCPU(b)
	for i := range b.N {
		seen := at(time.Duration(i) * time.Second)
		batch := make([]*crosswire.Article, pollSize)
		for j := range batch {
			batch[j] = benchArticle(src, fmt.Sprintf("n%d-%d", i, j), 1, seen.Add(-time.Duration(j)*time.Minute), seen, content, text)
		}
		out, err := s.SaveArticles(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		if out[0] != crosswire.Created {
			b.Fatalf("outcome %v, want Created", out[0])
		}
	}
	cpu.report(b, pollSize)
}

func benchSaveUnchanged(b *testing.B, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(b, s, "bench")
	content, text := body(2000, "para")
	poll := func(i int) []*crosswire.Article {
		seen := at(time.Duration(i) * time.Second)
		batch := make([]*crosswire.Article, pollSize)
		for j := range batch {
			batch[j] = benchArticle(src, fmt.Sprintf("u%d", j), 1, at(-time.Duration(j)*time.Minute), seen, content, text)
		}
		return batch
	}
	if _, err := s.SaveArticles(ctx, poll(0)); err != nil {
		b.Fatal(err)
	}
	cpu := startCPU(b)
	for i := range b.N {
		out, err := s.SaveArticles(ctx, poll(i+1))
		if err != nil {
			b.Fatal(err)
		}
		if out[0] != crosswire.Unchanged {
			b.Fatalf("outcome %v, want Unchanged", out[0])
		}
	}
	cpu.report(b, pollSize)
}

func benchSaveChanged(b *testing.B, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(b, s, "bench")
	content, text := body(2000, "para")
	poll := func(i int) []*crosswire.Article {
		seen := at(time.Duration(i) * time.Second)
		batch := make([]*crosswire.Article, pollSize)
		for j := range batch {
			batch[j] = benchArticle(src, fmt.Sprintf("c%d", j), i, at(-time.Duration(j)*time.Minute), seen, content, text)
		}
		return batch
	}
	if _, err := s.SaveArticles(ctx, poll(0)); err != nil {
		b.Fatal(err)
	}
	cpu := startCPU(b)
	for i := range b.N {
		out, err := s.SaveArticles(ctx, poll(i+1))
		if err != nil {
			b.Fatal(err)
		}
		if out[0] != crosswire.NewVersion {
			b.Fatalf("outcome %v, want NewVersion", out[0])
		}
	}
	cpu.report(b, pollSize)
}

const (
	archiveSize    = 100_000
	archiveSources = 20
)

// fillArchive stores archiveSize articles, published over 100 days, from
// archiveSources sources; the last two are not republished. It returns the
// republished sources' IDs.
func fillArchive(b *testing.B, s crosswire.Store) (republished []int64) {
	ctx := context.Background()
	var srcs []crosswire.Source
	for i := range archiveSources {
		src := putSource(b, s, fmt.Sprintf("src%02d", i), func(src *crosswire.Source) {
			src.Republish = i < archiveSources-2
		})
		srcs = append(srcs, src)
		if src.Republish {
			republished = append(republished, src.ID)
		}
	}
	content, text := body(600, "p")
	// Polls store one source at a time; the sources' articles interleave in
	// time, as they do on a real hub.
	const batchSize = 500
	step := 100 * 24 * time.Hour / archiveSize
	for round := range archiveSize / (batchSize * archiveSources) {
		for si, src := range srcs {
			batch := make([]*crosswire.Article, 0, batchSize)
			for j := range batchSize {
				i := (round*batchSize+j)*archiveSources + si
				published := at(-100*24*time.Hour + time.Duration(i)*step)
				if i%10 == 0 {
					published = time.Time{} // undated: sorted by first sighting
				}
				seen := at(-100*24*time.Hour + time.Duration(i)*step + time.Minute)
				batch = append(batch, benchArticle(src, fmt.Sprintf("a%d", i), 1, published, seen, content, text))
			}
			if _, err := s.SaveArticles(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	return republished
}

func benchQueries(b *testing.B, s crosswire.Store) {
	ctx := context.Background()
	republished := fillArchive(b, s)
	// The archive was just bulk-loaded: let the planner see it, as
	// autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) soon would.
	if a, ok := s.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != archiveSize {
		b.Fatalf("archive has %d articles (%v), want %d", n, err, archiveSize)
	}
	queries := []struct {
		name string
		q    crosswire.ArticleQuery
	}{
		{"home30", crosswire.ArticleQuery{SourceIDs: republished, Limit: 30}},
		{"home30_page50", crosswire.ArticleQuery{SourceIDs: republished, Limit: 30, Offset: 49 * 30}},
		{"source30", crosswire.ArticleQuery{SourceIDs: republished[3:4], Limit: 30}},
		{"all30_since", crosswire.ArticleQuery{Since: at(-24 * time.Hour), Limit: 30}},
	}
	for _, qq := range queries {
		b.Run(qq.name, func(b *testing.B) {
			cpu := startCPU(b)
			for range b.N {
				arts, err := s.Articles(ctx, qq.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(arts) != qq.q.Limit {
					b.Fatalf("%d articles, want %d", len(arts), qq.q.Limit)
				}
			}
			cpu.report(b, qq.q.Limit)
		})
	}
	b.Run("count_home", func(b *testing.B) {
		cpu := startCPU(b)
		for range b.N {
			if _, err := s.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: republished}); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b, 0)
	})
	b.Run("last_change_home", func(b *testing.B) {
		cpu := startCPU(b)
		for range b.N {
			if _, err := s.LastChange(ctx, republished); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b, 0)
	})
}
