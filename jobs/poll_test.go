package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	imagepng "image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"crosswire"
	"crosswire/ingest"
	"crosswire/media"
)

// jobsOf lists a feed's poll jobs by state.
func jobsOf(tb testing.TB, r *Runner, feedID int64) map[rivertype.JobState][]*rivertype.JobRow {
	tb.Helper()
	rows, err := r.impl.listJobs(context.Background(), KindPoll)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[rivertype.JobState][]*rivertype.JobRow{}
	for _, j := range rows {
		if feedOf(tb, j) == feedID {
			out[j.State] = append(out[j.State], j)
		}
	}
	return out
}

func feedOf(tb testing.TB, j *rivertype.JobRow) int64 {
	tb.Helper()
	var a PollArgs
	if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
		tb.Fatal(err)
	}
	return a.FeedID
}

func active(m map[rivertype.JobState][]*rivertype.JobRow) int {
	n := 0
	for _, s := range activeStates {
		n += len(m[s])
	}
	return n
}

// TestPollJobSchedulesNext: a due feed is polled by a job, its articles are
// stored, and its next poll is a scheduled River job at its NextPollAt.
func TestPollJobSchedulesNext(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		f := addFeed(t, e.store, "wire", fs.set("/wire.xml", "Central bank raises rates", "Storm closes ports"))
		r := e.open(t, Options{Policy: hourly})
		start(t, r)

		waitFor(t, "the first poll to reschedule its job", 15*time.Second, func() bool {
			m := jobsOf(t, r, f.ID)
			return len(m[rivertype.JobStateScheduled]) == 1
		})
		got, err := e.store.FeedByID(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TotalPolls != 1 || got.LastStatus != http.StatusOK || got.ETag == "" {
			t.Errorf("feed after poll: polls %d, status %d, etag %q; want 1, 200, set", got.TotalPolls, got.LastStatus, got.ETag)
		}
		if n, err := e.store.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != 2 {
			t.Errorf("articles = %d, %v; want 2", n, err)
		}
		m := jobsOf(t, r, f.ID)
		if a := active(m); a != 1 {
			t.Errorf("active poll jobs of the feed = %d, want 1", a)
		}
		// The same job waits for the next poll, no attempt spent.
		next := m[rivertype.JobStateScheduled][0]
		if d := next.ScheduledAt.Sub(got.NextPollAt); d < -time.Second || d > time.Second {
			t.Errorf("next job at %s, feed's NextPollAt %s", next.ScheduledAt, got.NextPollAt)
		}
		if next.Attempt != 0 || len(next.Errors) != 0 {
			t.Errorf("rescheduled job: attempt %d, errors %v; want 0, none", next.Attempt, next.Errors)
		}
		if until := time.Until(got.NextPollAt); until < 50*time.Minute || until > 70*time.Minute {
			t.Errorf("next poll in %s, want about the policy's hour", until)
		}
		if n := fs.requests.Load(); n != 1 {
			t.Errorf("feed fetched %d times, want 1", n)
		}
	})
}

// TestPollJobUnique: a feed gets one poll job however often one is asked
// for, by Insert or by the reconcile.
func TestPollJobUnique(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := addFeed(t, e.store, "wire", "http://127.0.0.1:9/feed.xml")
		r := e.open(t, Options{Policy: hourly})
		if err := r.impl.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		first, err := r.impl.insert(ctx, PollArgs{FeedID: f.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		second, err := r.impl.insert(ctx, PollArgs{FeedID: f.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if first.UniqueSkippedAsDuplicate || !second.UniqueSkippedAsDuplicate || second.Job.ID != first.Job.ID {
			t.Errorf("inserts: first skipped=%v, second skipped=%v (job %d vs %d); want the second skipped as the first",
				first.UniqueSkippedAsDuplicate, second.UniqueSkippedAsDuplicate, second.Job.ID, first.Job.ID)
		}
		if n, err := r.SchedulePolls(ctx); err != nil || n != 0 {
			t.Errorf("SchedulePolls with a job in place = %d, %v; want 0", n, err)
		}
		g := addFeed(t, e.store, "other", "http://127.0.0.1:9/other.xml")
		for i, want := range []int{1, 0} {
			if n, err := r.SchedulePolls(ctx); err != nil || n != want {
				t.Errorf("SchedulePolls #%d after a new feed = %d, %v; want %d", i+1, n, err, want)
			}
		}
		if a := active(jobsOf(t, r, f.ID)); a != 1 {
			t.Errorf("active jobs of feed 1 = %d, want 1", a)
		}
		if a := active(jobsOf(t, r, g.ID)); a != 1 {
			t.Errorf("active jobs of feed 2 = %d, want 1", a)
		}
	})
}

// TestFeedFailureIsNotJobError: a feed answering 500 completes its job;
// the failure is on the feed and the next poll is the policy's backoff.
func TestFeedFailureIsNotJobError(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		url := fs.set("/down.xml")
		fs.setStatus("/down.xml", http.StatusInternalServerError)
		f := addFeed(t, e.store, "down", url)
		policy := hourly
		policy.BackoffBase = 10 * time.Minute
		r := e.open(t, Options{Policy: policy})
		start(t, r)

		waitFor(t, "the failed poll's successor", 15*time.Second, func() bool {
			return len(jobsOf(t, r, f.ID)[rivertype.JobStateScheduled]) == 1
		})
		got, err := e.store.FeedByID(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Failures != 1 || got.LastError == "" || got.LastStatus != http.StatusInternalServerError {
			t.Errorf("feed: failures %d, status %d, error %q; want 1, 500, set", got.Failures, got.LastStatus, got.LastError)
		}
		if until := time.Until(got.NextPollAt); until < 5*time.Minute || until > 30*time.Minute {
			t.Errorf("next poll in %s, want the backoff of about 10 minutes", until)
		}
		m := jobsOf(t, r, f.ID)
		if len(m[rivertype.JobStateScheduled]) != 1 || active(m) != 1 {
			t.Fatalf("jobs by state: %v; want the one job scheduled", m)
		}
		if j := m[rivertype.JobStateScheduled][0]; j.Attempt != 0 || len(j.Errors) != 0 {
			t.Errorf("job after the feed failed: attempt %d, errors %v; want no job error", j.Attempt, j.Errors)
		}
	})
}

// TestPausedSourceEndsChain: a job of a paused source's feed completes
// without polling or a successor, and the reconcile leaves the feed alone
// until the source is resumed.
func TestPausedSourceEndsChain(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		f := addFeed(t, e.store, "quiet", fs.set("/quiet.xml", "Nothing happens"))
		if err := e.store.SetSourcePaused(ctx, "quiet", true); err != nil {
			t.Fatal(err)
		}
		r := e.open(t, Options{Policy: hourly})
		if err := r.impl.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := r.impl.insert(ctx, PollArgs{FeedID: f.ID}, nil); err != nil {
			t.Fatal(err)
		}
		start(t, r)
		waitFor(t, "the paused feed's job to complete", 15*time.Second, func() bool {
			return len(jobsOf(t, r, f.ID)[rivertype.JobStateCompleted]) == 1
		})
		if a := active(jobsOf(t, r, f.ID)); a != 0 {
			t.Errorf("active jobs of a paused feed = %d, want 0", a)
		}
		if n := fs.requests.Load(); n != 0 {
			t.Errorf("paused feed fetched %d times", n)
		}
		if n, err := r.SchedulePolls(ctx); err != nil || n != 0 {
			t.Errorf("SchedulePolls while paused = %d, %v; want 0", n, err)
		}
		if err := e.store.SetSourcePaused(ctx, "quiet", false); err != nil {
			t.Fatal(err)
		}
		if n, err := r.SchedulePolls(ctx); err != nil || n != 1 {
			t.Errorf("SchedulePolls after resume = %d, %v; want 1", n, err)
		}
	})
}

// TestStopCancelsPollInFlight: Stop cuts a hanging poll short and River
// keeps its job (retryable), with the feed's state untouched.
func TestStopCancelsPollInFlight(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		fs.hang = make(chan struct{})
		fs.arrived = make(chan string, 4)
		f := addFeed(t, e.store, "slow", fs.set("/slow.xml", "Late news"))
		r := e.open(t, Options{Policy: hourly})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-fs.arrived:
		case <-time.After(15 * time.Second):
			t.Fatal("the poll never reached the server")
		}
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		began := time.Now()
		if err := r.Stop(stopCtx); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("Stop took %s with a hanging poll", d)
		}
		// River takes a job cut short by its client's stop as interrupted:
		// available again at once, the attempt not counted.
		m := jobsOf(t, r, f.ID)
		kept := append(m[rivertype.JobStateRetryable], m[rivertype.JobStateAvailable]...)
		if len(kept) != 1 || active(m) != 1 || len(m[rivertype.JobStateCompleted]) != 0 {
			t.Fatalf("jobs after stop: %v; want the one job waiting to run again", m)
		}
		got, err := e.store.FeedByID(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TotalPolls != 0 || got.Failures != 0 {
			t.Errorf("feed after a cancelled poll: polls %d, failures %d; want untouched", got.TotalPolls, got.Failures)
		}
		close(fs.hang)
	})
}

// flakyStore fails SaveFeedState a number of times: the database's
// trouble, not the feed's.
type flakyStore struct {
	crosswire.Store
	failures atomic.Int32
}

func (s *flakyStore) SaveFeedState(ctx context.Context, f crosswire.Feed) error {
	if s.failures.Add(-1) >= 0 {
		return errors.New("database unavailable")
	}
	return s.Store.SaveFeedState(ctx, f)
}

// TestUnexpectedErrorRetries: a poll whose state cannot be saved fails its
// job; River retries it, and the run that succeeds replaces the job with a
// fresh one (attempts count consecutive failures only).
func TestUnexpectedErrorRetries(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		f := addFeed(t, e.store, "wire", fs.set("/wire.xml", "Bridge reopens after repairs"))
		st := &flakyStore{Store: e.store}
		st.failures.Store(1)
		r := e.open(t, Options{Store: st, Policy: hourly,
			Pipeline: &ingest.Pipeline{Store: st, Fetcher: newFetcher(), Now: time.Now, Log: quietLog()}})
		start(t, r)

		waitFor(t, "the retried poll to replace its job", 30*time.Second, func() bool {
			m := jobsOf(t, r, f.ID)
			return len(m[rivertype.JobStateCompleted]) == 1 && len(m[rivertype.JobStateScheduled]) == 1
		})
		m := jobsOf(t, r, f.ID)
		done, fresh := m[rivertype.JobStateCompleted][0], m[rivertype.JobStateScheduled][0]
		if done.Attempt != 2 || len(done.Errors) != 1 || !strings.Contains(done.Errors[0].Error, "database unavailable") {
			t.Errorf("replaced job: attempt %d, errors %v; want 2 attempts, the first failed", done.Attempt, done.Errors)
		}
		if fresh.Attempt != 0 || len(fresh.Errors) != 0 || active(m) != 1 {
			t.Errorf("successor: attempt %d, errors %v, active jobs %d; want a fresh single job", fresh.Attempt, fresh.Errors, active(m))
		}
		got, err := e.store.FeedByID(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Failures != 0 || got.TotalPolls != 1 {
			t.Errorf("feed: failures %d, polls %d; want 0 and 1 (the failed save left no trace)", got.Failures, got.TotalPolls)
		}
		if n, err := e.store.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != 1 {
			t.Errorf("articles = %d, %v; want 1, stored once over two polls", n, err)
		}
	})
}

// TestPollAsksForMirrors: a poll of a source that mirrors its images stores
// the article, and a mirror_media job then points it at the hub's copy,
// without a new revision.
func TestPollAsksForMirrors(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		var png bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 2, 2))
		if err := imagepng.Encode(&png, img); err != nil {
			t.Fatal(err)
		}
		fs.image = png.Bytes()
		src := crosswire.Source{Slug: "wire", Name: "Wire", Republish: true, MirrorMedia: true, CreatedAt: time.Now()}
		if err := e.store.PutSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
		addFeed(t, e.store, "wire", fs.set("/wire.xml", "Harbour reopens"))
		mirror := &media.Mirror{Dir: t.TempDir(), Fetcher: newFetcher(), Store: e.store, Prefix: "/media/", Now: time.Now}
		pl := &ingest.Pipeline{Store: e.store, Fetcher: newFetcher(), Now: time.Now, Log: quietLog(), Mirror: mirror}
		r := e.open(t, Options{Policy: hourly, Pipeline: pl, GroupSweepEvery: -1})
		start(t, r)
		var got crosswire.Article
		waitFor(t, "the article's image to be mirrored", 20*time.Second, func() bool {
			arts, err := e.store.Articles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{src.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) == 1 {
				got = arts[0]
			}
			return len(arts) == 1 && strings.Contains(got.Summary, `src="/media/`)
		})
		if got.Revisions != 1 || strings.Contains(got.Summary, fs.URL+"/img.png") {
			t.Errorf("mirrored article: revisions %d, summary %q", got.Revisions, got.Summary)
		}
	})
}
