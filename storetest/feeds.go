package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"crosswire"
)

func testPutFeed(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	a := putSource(t, s, "a")
	b := putSource(t, s, "b")

	f := crosswire.Feed{
		SourceID:   a.ID,
		URL:        "https://a.example/rss",
		Title:      "A: top stories",
		Interval:   10 * time.Minute,
		NextPollAt: at(time.Minute),
	}
	if err := s.PutFeed(ctx, &f); err != nil {
		t.Fatalf("PutFeed: %v", err)
	}
	if f.ID == 0 {
		t.Fatal("PutFeed did not set ID")
	}
	got, err := s.FeedByID(ctx, f.ID)
	if err != nil {
		t.Fatalf("FeedByID: %v", err)
	}
	checkEqual(t, "new feed", got, f)

	// The poller moves the state on; putting the URL again (a config
	// reload) must neither duplicate the feed nor reset that state.
	polled := got
	polled.ETag, polled.LastPollAt, polled.TotalPolls = `"v1"`, t0, 1
	if err := s.SaveFeedState(ctx, polled); err != nil {
		t.Fatalf("SaveFeedState: %v", err)
	}
	again := crosswire.Feed{SourceID: a.ID, URL: f.URL, Interval: time.Hour}
	if err := s.PutFeed(ctx, &again); err != nil {
		t.Fatalf("PutFeed (existing URL): %v", err)
	}
	if again.ID != f.ID {
		t.Errorf("PutFeed of a known URL set ID %d, want %d", again.ID, f.ID)
	}
	got, err = s.FeedByID(ctx, f.ID)
	if err != nil {
		t.Fatalf("FeedByID: %v", err)
	}
	checkEqual(t, "feed after PutFeed of its URL", got, polled)

	// The same URL under another source is another feed.
	fb := putFeed(t, s, b.ID, f.URL)
	if fb.ID == f.ID {
		t.Error("the same URL in two sources got one feed")
	}
	f2 := putFeed(t, s, a.ID, "https://a.example/world.xml")

	tests := []struct {
		source int64
		want   []int64
	}{
		{a.ID, []int64{f.ID, f2.ID}},
		{b.ID, []int64{fb.ID}},
		{0, []int64{f.ID, fb.ID, f2.ID}},
		{b.ID + 1000, nil},
	}
	for _, tt := range tests {
		feeds, err := s.Feeds(ctx, tt.source)
		if err != nil {
			t.Fatalf("Feeds(%d): %v", tt.source, err)
		}
		var ids []int64
		for _, f := range feeds {
			ids = append(ids, f.ID)
		}
		checkEqual(t, "Feeds IDs", ids, tt.want)
	}

	err = s.PutFeed(ctx, &crosswire.Feed{SourceID: b.ID + 1000, URL: "https://x.example/"})
	wantNotFound(t, "PutFeed for an unknown source", err)
	_, err = s.FeedByID(ctx, f.ID+1000)
	wantNotFound(t, "FeedByID(unknown)", err)
}

func testSaveFeedStateRoundTrip(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	tests := []struct {
		name  string
		state crosswire.Feed
	}{
		{"every field", crosswire.Feed{
			URL:          "https://src.example/feed/", // after a permanent redirect
			ETag:         `W/"5e1-abc"`,
			LastModified: "Sat, 01 Mar 2025 11:58:00 GMT",
			Title:        "Src — Top stories",
			Interval:     17*time.Minute + 500*time.Millisecond,
			HintTTL:      time.Hour,
			NextPollAt:   at(17*time.Minute + 123*time.Millisecond),
			LastPollAt:   at(7 * time.Millisecond),
			LastNewAt:    at(-2 * time.Hour),
			LastStatus:   200,
			Failures:     0,
			TotalPolls:   1 << 33,
			TotalErrors:  12,
		}},
		{"failure", crosswire.Feed{
			URL:         "https://src.example/feed/",
			Interval:    time.Hour,
			NextPollAt:  at(2 * time.Hour),
			LastPollAt:  at(time.Hour),
			LastError:   "fetch https://src.example/feed/: 503 Service Unavailable",
			LastStatus:  503,
			Failures:    3,
			TotalPolls:  5,
			TotalErrors: 3,
		}},
		{"every time zero", crosswire.Feed{
			URL:         "https://src.example/feed/",
			LastStatus:  0,
			LastError:   "dial tcp: connection refused",
			Failures:    1,
			TotalPolls:  6,
			TotalErrors: 4,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.state
			want.ID, want.SourceID = f.ID, src.ID
			if err := s.SaveFeedState(ctx, want); err != nil {
				t.Fatalf("SaveFeedState: %v", err)
			}
			got, err := s.FeedByID(ctx, f.ID)
			if err != nil {
				t.Fatalf("FeedByID: %v", err)
			}
			checkEqual(t, "feed state", got, want)
		})
	}

	// Every store keeps milliseconds: finer times come back truncated, the
	// same on every backend.
	fine := crosswire.Feed{ID: f.ID, SourceID: src.ID, URL: "https://src.example/feed/",
		Interval: time.Minute + 1500*time.Microsecond, NextPollAt: at(2*time.Millisecond + 999*time.Microsecond + 1)}
	if err := s.SaveFeedState(ctx, fine); err != nil {
		t.Fatalf("SaveFeedState: %v", err)
	}
	got, err := s.FeedByID(ctx, f.ID)
	if err != nil {
		t.Fatalf("FeedByID: %v", err)
	}
	if want := at(2 * time.Millisecond); !got.NextPollAt.Equal(want) {
		t.Errorf("NextPollAt %v stored as %v, want %v", fine.NextPollAt, got.NextPollAt, want)
	}
	if want := time.Minute + time.Millisecond; got.Interval != want {
		t.Errorf("Interval %v stored as %v, want %v", fine.Interval, got.Interval, want)
	}
}

func testSaveFeedStateErrors(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	other := putSource(t, s, "other")
	f1 := putFeed(t, s, src.ID, "https://src.example/one")
	f2 := putFeed(t, s, src.ID, "https://src.example/two")
	putFeed(t, s, other.ID, "https://src.example/three")

	moved := f2
	moved.URL = f1.URL
	err := s.SaveFeedState(ctx, moved)
	if !errors.Is(err, crosswire.ErrConflict) {
		t.Errorf("SaveFeedState to a URL the source has: %v, want ErrConflict", err)
	}
	if got, _ := s.FeedByID(ctx, f2.ID); got.URL != f2.URL {
		t.Errorf("feed URL after a conflict = %q, want %q", got.URL, f2.URL)
	}
	// Another source having the URL is no conflict.
	moved.URL = "https://src.example/three"
	if err := s.SaveFeedState(ctx, moved); err != nil {
		t.Errorf("SaveFeedState to a URL of another source: %v", err)
	}

	gone := f1
	gone.ID = f2.ID + 1000
	wantNotFound(t, "SaveFeedState(unknown)", s.SaveFeedState(ctx, gone))
	wantNotFound(t, "DeleteFeed(unknown)", s.DeleteFeed(ctx, gone.ID))
}

func testDeleteFeedKeepsArticles(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f1 := putFeed(t, s, src.ID, "https://src.example/one")
	f2 := putFeed(t, s, src.ID, "https://src.example/two")
	a1 := article(src, f1.ID, "a1", "First", at(-time.Hour), t0)
	a2 := article(src, f2.ID, "a2", "Second", at(-time.Hour), t0)
	save(t, s, a1, a2)

	if err := s.DeleteFeed(ctx, f1.ID); err != nil {
		t.Fatalf("DeleteFeed: %v", err)
	}
	_, err := s.FeedByID(ctx, f1.ID)
	wantNotFound(t, "deleted feed", err)
	got := getArticle(t, s, a1.ID)
	if got.FeedID != 0 {
		t.Errorf("article of a deleted feed has FeedID %d, want 0", got.FeedID)
	}
	if got.Title != a1.Title {
		t.Errorf("article of a deleted feed: title %q, want %q", got.Title, a1.Title)
	}
	if got := getArticle(t, s, a2.ID); got.FeedID != f2.ID {
		t.Errorf("article of the other feed has FeedID %d, want %d", got.FeedID, f2.ID)
	}
	if feeds, err := s.Feeds(ctx, src.ID); err != nil || len(feeds) != 1 {
		t.Errorf("Feeds after DeleteFeed = %d feeds, %v; want 1", len(feeds), err)
	}
	// A re-poll of the remaining feed that carries the article still knows it.
	again := article(src, f2.ID, "a1", "First", at(-time.Hour), at(time.Hour))
	if out := save(t, s, again); out[0] != crosswire.Unchanged {
		t.Errorf("re-save after its feed was deleted: %v, want Unchanged", out[0])
	}
}
