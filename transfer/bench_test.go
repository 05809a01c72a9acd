package transfer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/sqlite"
	"crosswire/storetest"
)

// benchArchive writes an archive of n articles with bodies of about 4 KB,
// a fifth of them with a second revision, through the SQLite store.
func benchArchive(b *testing.B, n int) string {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	src := crosswire.Source{Slug: "bench", Name: "Bench", CreatedAt: t0, UpdatedAt: t0}
	if err := st.PutSource(ctx, &src); err != nil {
		b.Fatal(err)
	}
	body := strings.Repeat("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>", 64)
	save := func(from, to int, version string) {
		arts := make([]*crosswire.Article, 0, 500)
		for i := from; i < to; i++ {
			key := fmt.Sprintf("k%07d", i)
			arts = append(arts, &crosswire.Article{SourceID: src.ID, Key: key, URL: "https://bench.example/" + key,
				Title: "Article " + key + version, Categories: []string{"world"}, Content: body + version, Text: body,
				PublishedAt: at(time.Duration(i) * time.Second), FirstSeenAt: t0, LastSeenAt: t0, Hash: key + version})
			if len(arts) == cap(arts) || i == to-1 {
				if _, err := st.SaveArticles(ctx, arts); err != nil {
					b.Fatal(err)
				}
				arts = arts[:0]
			}
		}
	}
	save(0, n, "")
	save(0, n/5, " (corrected)")
	return path
}

// BenchmarkCopy copies a 20,000-article archive into an empty schema per
// iteration and reports article and revision rows per second.
func BenchmarkCopy(b *testing.B) {
	const n = 20000
	path := benchArchive(b, n)
	db, err := OpenSQLite(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var rows int64
	for b.Loop() {
		b.StopTimer()
		dst := openTarget(b, storetest.PostgresDSN(b))
		tr := &Transfer{Src: db, Dst: dst.Pool(), Progress: func(p Progress) {
			if p.Finished {
				rows += p.Copied
			}
		}}
		b.StartTimer()
		if err := tr.Copy(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkVerify checksums the same archive on both sides.
func BenchmarkVerify(b *testing.B) {
	path := benchArchive(b, 20000)
	db, err := OpenSQLite(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tr := &Transfer{Src: db, Dst: openTarget(b, storetest.PostgresDSN(b)).Pool()}
	if err := tr.Copy(context.Background()); err != nil {
		b.Fatal(err)
	}
	var rows int64
	for b.Loop() {
		checks, err := tr.Verify(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range checks {
			if !c.OK() {
				b.Fatalf("verify %s: %+v", c.Table, c)
			}
			rows += c.SourceRows
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
