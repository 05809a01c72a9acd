package content

import (
	"os"
	"path/filepath"
	"testing"
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
