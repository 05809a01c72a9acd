package ingest

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"crosswire"
	"crosswire/fetch"
	"crosswire/sqlite"
)

// BenchmarkFullTextFeedfarm is full-text throughput through the whole
// pipeline: it polls the feeds of a running feedfarm
// (../shared/tools/feedfarm) with full_text: always, so every item's
// article page is fetched (the polite fetcher: per-host limit 4, all
// pages share one host), extracted with the built-in rules and stored in
// a new SQLite archive. One op is every feed once; pages/s counts article
// pages fetched, extracted and stored. Any poll error or extraction note
// fails it.
//
//	/tmp/feedfarm -addr 127.0.0.1:8809 -feeds 40 -items 25 &
//	CROSSWIRE_FEEDFARM=http://127.0.0.1:8809 go test ./ingest/ -run '^$' -bench FullTextFeedfarm -benchtime 3x
//
// CROSSWIRE_FEEDFARM_FEEDS limits the feeds used (default: all the farm
// lists); CROSSWIRE_FEEDFARM_WORKERS sets the polls in flight (default 4).
func BenchmarkFullTextFeedfarm(b *testing.B) {
	base := os.Getenv("CROSSWIRE_FEEDFARM")
	if base == "" {
		b.Skip("set CROSSWIRE_FEEDFARM=http://127.0.0.1:PORT to a running ../shared/tools/feedfarm to measure full-text throughput")
	}
	urls := farmFeeds(b, base, envInt("CROSSWIRE_FEEDFARM_FEEDS", 0))
	workers := envInt("CROSSWIRE_FEEDFARM_WORKERS", 4)
	ctx := context.Background()
	var pages int
	var busy time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "farm.db"))
		if err != nil {
			b.Fatal(err)
		}
		src := crosswire.Source{Slug: "farm", Name: "Feedfarm", Republish: true, FullText: crosswire.FullTextAlways}
		if err := st.PutSource(ctx, &src); err != nil {
			b.Fatal(err)
		}
		var feeds []crosswire.Feed
		for _, u := range urls {
			f := crosswire.Feed{SourceID: src.ID, URL: u}
			if err := st.PutFeed(ctx, &f); err != nil {
				b.Fatal(err)
			}
			feeds = append(feeds, f)
		}
		client := fetch.New(fetch.Options{AllowPrivate: true})
		p := &Pipeline{Store: st, Fetcher: client, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		b.StartTimer()

		start := time.Now()
		results := make([]crosswire.PollResult, len(feeds))
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for j := range next {
					results[j] = p.Poll(ctx, feeds[j]).Result
				}
			})
		}
		for j := range feeds {
			next <- j
		}
		close(next)
		wg.Wait()
		busy += time.Since(start)

		b.StopTimer()
		stored := 0
		for _, r := range results {
			if r.Err != nil {
				b.Fatalf("poll %s: %v", r.URL, r.Err)
			}
			stored += r.New
		}
		arts, err := st.Articles(ctx, crosswire.ArticleQuery{})
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range arts {
			if a.ExtractNote != "" || a.PageHash == "" {
				b.Fatalf("%s: not extracted: %s", a.URL, a.ExtractNote)
			}
		}
		if len(arts) != stored || stored == 0 {
			b.Fatalf("%d articles stored, %d new in the polls", len(arts), stored)
		}
		pages += stored
		client.CloseIdleConnections()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/busy.Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
}

// farmFeeds reads the farm's feed list, the first n (0: all).
func farmFeeds(tb testing.TB, base string, n int) []string {
	tb.Helper()
	resp, err := http.Get(strings.TrimSuffix(base, "/") + "/feeds.txt")
	if err != nil {
		tb.Fatalf("feedfarm at %s: %v", base, err)
	}
	defer resp.Body.Close()
	var urls []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && (n == 0 || len(urls) < n) {
		if u := strings.TrimSpace(sc.Text()); u != "" {
			urls = append(urls, u)
		}
	}
	if err := sc.Err(); err != nil || len(urls) == 0 {
		tb.Fatalf("feedfarm feed list: %d feeds, %v", len(urls), err)
	}
	return urls
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
