package schedule

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"crosswire"
	"crosswire/ingest"
)

// Poller polls one feed; *ingest.Pipeline implements it.
type Poller interface {
	Poll(ctx context.Context, f crosswire.Feed) ingest.Poll
}

// Runner polls a list of feeds once with a bounded pool of workers and
// saves each feed's new state (`crosswire fetch`). A running hub polls
// through the River jobs of package jobs, which share Policy.Apply.
type Runner struct {
	Store   crosswire.FeedStore
	Poller  Poller
	Policy  Policy
	Workers int
	Now     func() time.Time
	Rand    func() float64
	Log     *slog.Logger
	// OnPoll, if set, sees every poll's result (progress output, metrics).
	OnPoll func(crosswire.PollResult)
}

// PollAll polls the given feeds once each, workers at a time, and returns
// the results in the feeds' order. `crosswire fetch` uses it.
func (r *Runner) PollAll(ctx context.Context, feeds []crosswire.Feed) []crosswire.PollResult {
	results := make([]crosswire.PollResult, len(feeds))
	sem := make(chan struct{}, max(r.Workers, 1))
	var wg sync.WaitGroup
	for i, f := range feeds {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			results[i] = crosswire.PollResult{FeedID: f.ID, URL: f.URL, Err: ctx.Err()}
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = r.pollOne(ctx, f)
		})
	}
	wg.Wait()
	return results
}

// pollOne polls, applies the policy and saves the feed's new state.
func (r *Runner) pollOne(ctx context.Context, f crosswire.Feed) crosswire.PollResult {
	p := r.Poller.Poll(ctx, f)
	if ctx.Err() != nil {
		// Shutting down: the poll was cut short, not the feed's fault. Its
		// state stays as it was so it is due again at the next start.
		return p.Result
	}
	nf := r.Policy.Apply(r.Now(), f, &p, r.rand())
	if err := r.Store.SaveFeedState(context.WithoutCancel(ctx), nf); err != nil {
		r.Log.Error("save feed state", "feed", f.ID, "url", f.URL, "err", err)
	}
	if p.Result.Err != nil {
		r.Log.Warn("poll failed", "feed", f.ID, "url", f.URL, "status", p.Result.Status, "failures", nf.Failures, "next", nf.NextPollAt, "err", p.Result.Err)
	} else {
		r.Log.Debug("polled", "feed", f.ID, "url", nf.URL, "status", p.Result.Status, "new", p.Result.New, "updated", p.Result.Updated, "next", nf.NextPollAt)
	}
	if r.OnPoll != nil {
		r.OnPoll(p.Result)
	}
	return p.Result
}

func (r *Runner) rand() float64 {
	if r.Rand == nil {
		return 0.5
	}
	return r.Rand()
}

// Apply sets the polled feed's new interval and next poll time from what
// the poll observed, and returns the feed state to save. prev is the feed
// as it was before the poll. The runner and the River poll job share it.
func (p Policy) Apply(now time.Time, prev crosswire.Feed, poll *ingest.Poll, rnd float64) crosswire.Feed {
	nf := poll.Feed
	o := Outcome{
		Failed:     poll.Result.Err != nil,
		RetryAfter: poll.RetryAfter,
		New:        poll.Result.New,
		Published:  poll.Published,
		Hint:       poll.Hint,
	}
	nf.Interval, nf.NextPollAt = p.Next(now, prev.Interval, nf.Failures, o, rnd)
	poll.Result.NextPollAt = nf.NextPollAt
	return nf
}
