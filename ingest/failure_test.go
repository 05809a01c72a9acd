package ingest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crosswire"
	"crosswire/fetch"
	"crosswire/sqlite"
)

// scriptedFetcher answers each Get with the next scripted response.
type scriptedFetcher struct {
	answers []func(r fetch.Request) (*fetch.Response, error)
	seen    []fetch.Request
}

func (s *scriptedFetcher) Get(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	s.seen = append(s.seen, r)
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a(r)
}

func ok(body, etag string) func(fetch.Request) (*fetch.Response, error) {
	return func(r fetch.Request) (*fetch.Response, error) {
		return &fetch.Response{URL: r.URL, Status: 200, Body: []byte(body), ETag: etag, ContentType: "application/rss+xml"}, nil
	}
}

const goodFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><ttl>60</ttl>
<item><guid>a</guid><title>First</title><link>https://wire.example/a</link><description>&lt;p&gt;One.&lt;/p&gt;</description></item>
<item><guid>b</guid><title>Second</title><link>https://wire.example/b</link><description>&lt;p&gt;Two.&lt;/p&gt;</description></item>
<item><guid>a</guid><title>First</title><link>https://wire.example/a</link><description>&lt;p&gt;One.&lt;/p&gt;</description></item>
</channel></rss>`

func newPipeline(t *testing.T, f Fetcher) (*Pipeline, crosswire.Store, crosswire.Feed) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src := crosswire.Source{Slug: "wire", Name: "Wire", Ownership: crosswire.OwnershipPrivate, Republish: true, FullText: crosswire.FullTextNever}
	if err := st.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	fd := crosswire.Feed{SourceID: src.ID, URL: "https://wire.example/rss"}
	if err := st.PutFeed(ctx, &fd); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &Pipeline{Store: st, Fetcher: f, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return p, st, fd
}

// TestFailuresLoseNothing: after a good poll, a broken document, a server
// error and a 304 each leave the stored articles as they were, record the
// error on the feed, and keep the validators that fetched the good copy.
func TestFailuresLoseNothing(t *testing.T) {
	ctx := context.Background()
	sf := &scriptedFetcher{}
	p, st, fd := newPipeline(t, sf)
	sf.answers = append(sf.answers,
		ok(goodFeed, `"v1"`),
		ok(`<html><body>Service temporarily unavailable</body></html>`, `"broken"`),
		func(fetch.Request) (*fetch.Response, error) {
			return nil, &fetch.StatusError{URL: fd.URL, Status: 503, RetryAfter: 10 * time.Minute}
		},
		func(r fetch.Request) (*fetch.Response, error) {
			return &fetch.Response{URL: r.URL, Status: 304, NotModified: true, ETag: r.ETag}, nil
		},
	)

	first := p.Poll(ctx, fd)
	if first.Result.Err != nil || first.Result.New != 2 || first.Result.Items != 3 {
		t.Fatalf("good poll: %+v", first.Result)
	}
	if first.Feed.ETag != `"v1"` || first.Hint != time.Hour || first.Feed.Title != "Wire" {
		t.Errorf("state after good poll: etag %q hint %s title %q", first.Feed.ETag, first.Hint, first.Feed.Title)
	}
	fd = first.Feed

	broken := p.Poll(ctx, fd)
	if broken.Result.Err == nil || !strings.Contains(broken.Result.Err.Error(), "parse") {
		t.Fatalf("broken document: err = %v", broken.Result.Err)
	}
	if broken.Feed.ETag != `"v1"` || broken.Feed.Failures != 1 || broken.Feed.LastError == "" {
		t.Errorf("after a broken document: etag %q failures %d error %q", broken.Feed.ETag, broken.Feed.Failures, broken.Feed.LastError)
	}
	fd = broken.Feed

	busy := p.Poll(ctx, fd)
	var se *fetch.StatusError
	if !errors.As(busy.Result.Err, &se) || busy.RetryAfter != 10*time.Minute || busy.Feed.LastStatus != 503 || busy.Feed.Failures != 2 {
		t.Errorf("503: %+v retry %s feed %+v", busy.Result, busy.RetryAfter, busy.Feed)
	}
	fd = busy.Feed

	same := p.Poll(ctx, fd)
	if same.Result.Err != nil || !same.Result.NotModified || same.Feed.Failures != 0 || same.Feed.LastError != "" {
		t.Errorf("304 after failures: %+v feed %+v", same.Result, same.Feed)
	}
	if got := sf.seen[3].ETag; got != `"v1"` {
		t.Errorf("conditional GET sent ETag %q, want the good copy's", got)
	}
	n, err := st.CountArticles(ctx, crosswire.ArticleQuery{})
	if err != nil || n != 2 {
		t.Errorf("articles = %d, %v; want the 2 from the good poll", n, err)
	}
}

// TestPermanentRedirectMovesFeed: a 301 chain updates the stored address.
func TestPermanentRedirectMovesFeed(t *testing.T) {
	sf := &scriptedFetcher{answers: []func(fetch.Request) (*fetch.Response, error){
		func(r fetch.Request) (*fetch.Response, error) {
			return &fetch.Response{URL: "https://new.example/rss", PermanentURL: "https://new.example/rss", Status: 200, Body: []byte(goodFeed)}, nil
		},
	}}
	p, _, fd := newPipeline(t, sf)
	out := p.Poll(context.Background(), fd)
	if out.Result.Err != nil || out.Feed.URL != "https://new.example/rss" {
		t.Errorf("after 301: url %q err %v", out.Feed.URL, out.Result.Err)
	}
}
