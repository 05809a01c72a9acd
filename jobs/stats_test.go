package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// TestQueueStats: jobs ready to run count toward the depth and the oldest
// one's wait; scheduled ones do not.
func TestQueueStats(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Now().UTC()
		r := e.open(t, Options{Policy: hourly, Now: func() time.Time { return now }})
		if err := r.impl.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if n, wait, err := r.QueueStats(ctx); err != nil || n != 0 || wait != 0 {
			t.Fatalf("empty queue: %d, %s, %v", n, wait, err)
		}
		for i, at := range []time.Time{now.Add(-90 * time.Second), now.Add(-10 * time.Second), now.Add(time.Hour)} {
			f := addFeed(t, e.store, "wire"+string(rune('a'+i)), "http://127.0.0.1:9/feed.xml")
			if _, err := r.impl.insert(ctx, PollArgs{FeedID: f.ID}, &river.InsertOpts{ScheduledAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		n, wait, err := r.QueueStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("available = %d, want 2 (the third is scheduled an hour ahead)", n)
		}
		if wait < 89*time.Second || wait > 91*time.Second {
			t.Errorf("wait = %s, want about 90s", wait)
		}
	})
}
