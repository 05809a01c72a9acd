package jobs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"crosswire"
	"crosswire/ingest"
	"crosswire/schedule"
)

// The benchmarks poll b.N unchanged feeds (every answer a 304), through
// River jobs and, for the baseline, through schedule.Runner.PollAll with
// the same pipeline and workers. The difference per op is what a job costs
// beyond the poll itself: fetching the job, completing it and inserting
// the next one (and, on PostgreSQL, the host slot).
//
//	go test ./jobs -run - -bench . -benchtime 2000x
//	CROSSWIRE_TEST_POSTGRES=... go test ./jobs -run - -bench . -benchtime 2000x

const (
	benchWorkers = 16
	// benchPool gives every worker a connection, with room for River's own.
	benchPool = benchWorkers + 8
)

// BenchmarkPollJobsSQLite is the hub's setup, River in a file of its own;
// ...SharedFile puts River's tables in the store's file, on its writer.
func BenchmarkPollJobsSQLite(b *testing.B)           { benchPollJobs(b, sqliteEnv(b)) }
func BenchmarkPollJobsSQLiteSharedFile(b *testing.B) { benchPollJobs(b, sqliteEnvFile(b, false)) }
func BenchmarkPollJobsPostgres(b *testing.B)         { benchPollJobs(b, postgresEnvPool(b, benchPool)) }
func BenchmarkPollAllSQLite(b *testing.B)            { benchPollAll(b, sqliteEnv(b)) }
func BenchmarkPollAllPostgres(b *testing.B)          { benchPollAll(b, postgresEnvPool(b, benchPool)) }

// notModified answers 304 to every conditional request.
func notModified(b *testing.B) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		http.Error(w, "want a conditional request", http.StatusBadRequest)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// unchangedFeeds stores n feeds of one source, each with the validator
// the server answers 304 to, all due now.
func unchangedFeeds(b *testing.B, st crosswire.Store, base string, n int) []crosswire.Feed {
	ctx := context.Background()
	feeds := make([]crosswire.Feed, n)
	for i := range feeds {
		f := addFeed(b, st, "farm", fmt.Sprintf("%s/feeds/%d.xml", base, i))
		f.ETag = `"v1"`
		if err := st.SaveFeedState(ctx, f); err != nil {
			b.Fatal(err)
		}
		feeds[i] = f
	}
	return feeds
}

func benchPollJobs(b *testing.B, e *env) {
	ctx := context.Background()
	unchangedFeeds(b, e.store, notModified(b), b.N)
	var polled, failed atomic.Int64
	done := make(chan struct{})
	r := e.open(b, Options{
		Policy: hourly, Workers: benchWorkers, PerHost: benchWorkers, GroupSweepEvery: -1,
		OnPoll: func(res crosswire.PollResult) {
			if res.Err != nil || !res.NotModified {
				failed.Add(1)
			}
			if polled.Add(1) == int64(b.N) {
				close(done)
			}
		},
	})
	if err := r.impl.migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if n, err := r.SchedulePolls(ctx); err != nil || n != b.N {
		b.Fatalf("SchedulePolls = %d, %v; want %d", n, err, b.N)
	}
	b.ResetTimer()
	if err := r.Start(ctx); err != nil {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("polled %d of %d feeds", polled.Load(), b.N)
	}
	b.StopTimer()
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.Stop(stopCtx); err != nil {
		b.Fatal(err)
	}
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d polls were not 304s", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "feeds/s")
}

func benchPollAll(b *testing.B, e *env) {
	ctx := context.Background()
	feeds := unchangedFeeds(b, e.store, notModified(b), b.N)
	pl := &ingest.Pipeline{Store: e.store, Fetcher: newFetcher(), Now: time.Now, Log: quietLog()}
	run := &schedule.Runner{Store: e.store, Poller: pl, Policy: hourly, Workers: benchWorkers, Now: time.Now, Log: quietLog()}
	b.ResetTimer()
	res := run.PollAll(ctx, feeds)
	b.StopTimer()
	for _, r := range res {
		if r.Err != nil || !r.NotModified {
			b.Fatalf("poll of %s: %+v", r.URL, r)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "feeds/s")
}
