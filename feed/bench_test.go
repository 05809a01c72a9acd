package feed

import (
	"os"
	"path/filepath"
	"testing"
)

// The farm_* fixtures are 30-item documents (about 100 KB each) rendered by
// ../shared/tools/feedfarm: the hub's typical input.
var benchFixtures = []string{"farm_rss.xml", "farm_rss_escaped.xml", "farm_atom.xml", "farm_json.json"}

func BenchmarkParse(b *testing.B) {
	for _, name := range benchFixtures {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				f, err := Parse(data, Options{BaseURL: "http://127.0.0.1:8801/feeds/1.xml"})
				if err != nil || len(f.Entries) != 30 {
					b.Fatalf("got %v entries, err %v", f, err)
				}
			}
		})
	}
}
