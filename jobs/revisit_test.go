package jobs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"crosswire"
)

// TestRevisitJob: the leader's periodic revisit job fetches due article
// pages; a page that now answers 410 marks its article removed at source
// and the archived copy stays.
func TestRevisitJob(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		outlet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "gone", http.StatusGone)
		}))
		defer outlet.Close()
		f := addFeed(t, e.store, "wire", outlet.URL+"/rss")
		pub := time.Now().Add(-2 * time.Hour)
		a := &crosswire.Article{
			SourceID: f.SourceID, FeedID: f.ID, Key: "k1", URL: outlet.URL + "/news/1", Title: "Archived",
			Content: "<p>The archived copy.</p>", Text: "The archived copy.", Hash: "h1",
			PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub, NextRevisitAt: time.Now().Add(-time.Minute),
		}
		if _, err := e.store.SaveArticles(ctx, []*crosswire.Article{a}); err != nil {
			t.Fatal(err)
		}
		r := e.open(t, Options{Policy: hourly, RevisitEvery: 50 * time.Millisecond, ReconcileEvery: time.Hour, GroupSweepEvery: -1})
		start(t, r)
		waitFor(t, "the revisit to mark the article removed", 20*time.Second, func() bool {
			got, err := e.store.Article(ctx, a.ID)
			return err == nil && !got.RemovedAt.IsZero()
		})
		got, err := e.store.Article(ctx, a.ID)
		if err != nil || got.Content != a.Content {
			t.Errorf("archived copy changed: %q, %v", got.Content, err)
		}
	})
}
