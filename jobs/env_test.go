package jobs

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crosswire"
	"crosswire/fetch"
	"crosswire/ingest"
	"crosswire/postgres"
	"crosswire/schedule"
	"crosswire/sqlite"
	"crosswire/storetest"
	"crosswire/story"
)

// env is one backend under test: a store and a way to make Runners on it.
type env struct {
	name  string
	store crosswire.Store
	// open makes a Runner on the store; a second call is a second
	// "process" sharing the database.
	open func(tb testing.TB, opt Options) *Runner
}

// backends runs f on SQLite, and on PostgreSQL when storetest.EnvPostgres is set.
func backends(t *testing.T, f func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { f(t, sqliteEnv(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, postgresEnv(t)) })
}

// sqliteEnv is the hub's SQLite setup: River in a file of its own.
func sqliteEnv(tb testing.TB) *env {
	tb.Helper()
	return sqliteEnvFile(tb, true)
}

// sqliteEnvFile is sqliteEnv with River's tables in a file of their own,
// or in the store's database (on its write connection).
func sqliteEnvFile(tb testing.TB, ownFile bool) *env {
	tb.Helper()
	dir := tb.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "hub.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	riverDB, storeDB := st.WriteDB(), st.WriteDB()
	if ownFile {
		storeDB = st.ReadDB()
		if riverDB, err = OpenSQLite(filepath.Join(dir, "jobs.db")); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { riverDB.Close() })
	}
	return &env{name: "sqlite", store: st, open: func(tb testing.TB, opt Options) *Runner {
		r, err := NewSQLite(riverDB, storeDB, withStore(opt, st))
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}}
}

func postgresEnv(tb testing.TB) *env {
	tb.Helper()
	return postgresEnvPool(tb, 0)
}

// postgresEnvPool is postgresEnv with a pool of maxConns connections
// (0: pgx's default, the larger of 4 and the CPUs).
func postgresEnvPool(tb testing.TB, maxConns int) *env {
	tb.Helper()
	schemaDSN := storetest.PostgresDSN(tb)
	if maxConns > 0 {
		schemaDSN += fmt.Sprintf("&pool_max_conns=%d", maxConns)
	}
	st, err := postgres.Open(context.Background(), schemaDSN)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return &env{name: "postgres", store: st, open: func(tb testing.TB, opt Options) *Runner {
		r, err := NewPostgres(st.Pool(), withStore(opt, st))
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}}
}

func withStore(opt Options, st crosswire.Store) Options {
	if opt.Store == nil {
		opt.Store = st
	}
	if opt.Pipeline == nil {
		opt.Pipeline = &ingest.Pipeline{Store: st, Fetcher: newFetcher(), Now: time.Now, Log: quietLog()}
	}
	if opt.Log == nil {
		opt.Log = quietLog()
	}
	opt.testOnly = true
	return opt
}

// hourly never polls a feed twice within a test.
var hourly = schedule.Policy{Default: time.Hour, Min: time.Hour, Max: time.Hour}

func newFetcher() *fetch.Client {
	return fetch.New(fetch.Options{AllowPrivate: true, Timeout: 10 * time.Second, PerHost: 64, MaxConns: 128})
}

func quietLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func grouping(st crosswire.Store) func(ctx context.Context) (*ingest.Grouping, error) {
	return func(ctx context.Context) (*ingest.Grouping, error) {
		return ingest.NewGrouping(ctx, st, story.NewGrouper(story.DefaultOptions()), time.Now)
	}
}

// start starts r and stops it when the test ends.
func start(tb testing.TB, r *Runner) {
	tb.Helper()
	if err := r.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			tb.Errorf("stop: %v", err)
		}
	})
}

// feedServer serves RSS documents by path with strong ETags, counts the
// requests, and can fail or hang.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	items    map[string][]string // path → item titles
	status   map[string]int      // path → forced status
	hang     chan struct{}       // when set, requests block until it is closed or the client goes
	requests atomic.Int64
	arrived  chan string // paths of requests, when set
	image    []byte      // when set, served at /img.png and shown in every item
}

func newFeedServer(tb testing.TB) *feedServer {
	fs := &feedServer{items: map[string][]string{}, status: map[string]int{}}
	fs.Server = httptest.NewServer(fs)
	tb.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) set(path string, titles ...string) string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.items[path] = titles
	return fs.URL + path
}

func (fs *feedServer) setStatus(path string, status int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status[path] = status
}

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fs.requests.Add(1)
	fs.mu.Lock()
	titles, status, hang, arrived := fs.items[r.URL.Path], fs.status[r.URL.Path], fs.hang, fs.arrived
	fs.mu.Unlock()
	if arrived != nil {
		arrived <- r.URL.Path
	}
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		http.Error(w, "broken", status)
		return
	}
	if r.URL.Path == "/img.png" && fs.image != nil {
		w.Header().Set("Content-Type", "image/png")
		w.Write(fs.image)
		return
	}
	img := ""
	if fs.image != nil {
		img = html.EscapeString(`<img src="` + fs.URL + `/img.png"> `)
	}
	etag := fmt.Sprintf(`"%d-%x"`, len(titles), len(strings.Join(titles, "|")))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title><link>http://wire.example/</link>`)
	for i, t := range titles {
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s-%d</guid><title>%s</title><link>http://wire.example%s/%d</link><pubDate>Mon, 02 Mar 2026 1%d:00:00 GMT</pubDate><description>%s%s, reported today.</description></item>`,
			r.URL.Path, i, t, r.URL.Path, i, i%10, img, t)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, b.String())
}

// addFeed stores a source (one per slug) with one feed at url, due now.
func addFeed(tb testing.TB, st crosswire.Store, slug, url string) crosswire.Feed {
	tb.Helper()
	ctx := context.Background()
	src, err := st.SourceBySlug(ctx, slug)
	if err != nil {
		src = crosswire.Source{Slug: slug, Name: strings.ToUpper(slug), Republish: true, CreatedAt: time.Now()}
		if err := st.PutSource(ctx, &src); err != nil {
			tb.Fatal(err)
		}
	}
	f := crosswire.Feed{SourceID: src.ID, URL: url, Interval: time.Hour, NextPollAt: time.Now()}
	if err := st.PutFeed(ctx, &f); err != nil {
		tb.Fatal(err)
	}
	return f
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, what string, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
