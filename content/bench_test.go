package content

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"crosswire"
)

func loadFragments(b *testing.B) []string {
	b.Helper()
	files, err := filepath.Glob("testdata/fragments/*.html")
	if err != nil || len(files) == 0 {
		b.Fatalf("no fragments: %v", err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// BenchmarkSanitize measures one article fragment (1.5–5 KB) per op.
func BenchmarkSanitize(b *testing.B) {
	frags := loadFragments(b)
	base := mustURL(b, "https://example-news.com/2024/03/tram/")
	total := 0
	for _, f := range frags {
		total += len(f)
	}
	b.SetBytes(int64(total / len(frags)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Sanitize(frags[i%len(frags)], base)
		i++
	}
}

func BenchmarkPlainText(b *testing.B) {
	frags := loadFragments(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		PlainText(frags[i%len(frags)])
		i++
	}
}

// BenchmarkFeedItem is the content work of turning one feed entry into an
// article, as ingest's toArticle does it: the summary and the body
// cleaned, the body's plain text (a description-only item's summary is
// its body).
func BenchmarkFeedItem(b *testing.B) {
	entries := farmFeedEntries(b)
	bases := make([]*url.URL, len(entries))
	size := 0
	for i, e := range entries {
		bases[i], _ = url.Parse(e.Base)
		size += len(e.Summary) + len(e.Content)
	}
	c, err := NewCleaner(crosswire.Rules{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size / len(entries)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e, base := entries[i%len(entries)], bases[i%len(entries)]
		body, text := c.CleanWithText(e.Content, base)
		if body == "" {
			body, text = c.CleanWithText(e.Summary, base)
		} else {
			c.Clean(e.Summary, base)
		}
		if text == "" {
			b.Fatal("no text")
		}
		i++
	}
}
