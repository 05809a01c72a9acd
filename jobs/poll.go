package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"crosswire"
)

// dueSlack is how early a poll job may run and still poll: River moves
// scheduled jobs to available a little ahead of time.
const dueSlack = 2 * time.Second

// pollWorker polls one feed, applies the schedule policy, saves the feed's
// state and reschedules its own job to the feed's NextPollAt: River
// "snoozes" it, which returns the same row to the scheduled state without
// counting an attempt. So a feed has one job row for as long as it is
// polled, and the scheduled next polls are River's scheduled jobs. (A
// successor job per poll would cost a transaction that completes the job
// and inserts the next one, besides River's own completion: three of
// River's large statements per poll instead of one, which SQLite, parsing
// each statement anew, cannot afford at thousands of polls a second.)
//
// After a run that followed failures (Attempt > 1) the job is replaced
// instead, completed with a fresh successor in one transaction, so that
// attempts and River's retry backoff count consecutive failures only.
//
// The job is idempotent, because River runs it again when its process died
// before recording the outcome: articles are saved by key, and a job that
// finds its feed no longer due (polled by a run that died after saving the
// feed state, or by `crosswire fetch`) only reschedules to NextPollAt.
type pollWorker[TTx any] struct {
	river.WorkerDefaults[PollArgs]
	c *core[TTx]
}

func (w *pollWorker[TTx]) Timeout(*river.Job[PollArgs]) time.Duration { return w.c.opt.PollTimeout }

func (w *pollWorker[TTx]) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	c := w.c
	st := c.opt.Store
	f, err := st.FeedByID(ctx, job.Args.FeedID)
	if errors.Is(err, crosswire.ErrNotFound) {
		return nil // the feed was deleted: its chain of jobs ends here
	}
	if err != nil {
		return fmt.Errorf("poll feed %d: %w", job.Args.FeedID, err)
	}
	src, err := st.SourceByID(ctx, f.SourceID)
	if errors.Is(err, crosswire.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("poll feed %d: source: %w", f.ID, err)
	}
	if src.Paused {
		// No successor: the reconcile job gives the feed a job again
		// when the source is resumed.
		return nil
	}
	now := c.opt.Now()
	if f.NextPollAt.After(now.Add(dueSlack)) {
		return c.reschedule(ctx, job, f.NextPollAt, false)
	}

	p := c.poller.PollSource(ctx, src, f)
	if ctx.Err() != nil {
		// Shutdown or the job's timeout: the poll was cut short, not the
		// feed's fault, so its state stays and River retries the job.
		return fmt.Errorf("poll feed %d: %w", f.ID, context.Cause(ctx))
	}
	if se := (*slotError)(nil); errors.As(p.Result.Err, &se) {
		return fmt.Errorf("poll feed %d: %w", f.ID, se)
	}
	nf := c.opt.Policy.Apply(c.opt.Now(), f, &p, c.opt.Rand())
	if err := st.SaveFeedState(ctx, nf); err != nil {
		return fmt.Errorf("poll feed %d: save state: %w", f.ID, err)
	}
	if p.Result.Err != nil {
		// The feed's failure is recorded on it and pushes its next poll
		// out (the policy's backoff); the job itself succeeded.
		c.log.Warn("poll failed", "feed", f.ID, "url", f.URL, "status", p.Result.Status, "failures", nf.Failures, "next", nf.NextPollAt, "err", p.Result.Err)
	} else {
		c.log.Debug("polled", "feed", f.ID, "url", nf.URL, "status", p.Result.Status, "new", p.Result.New, "updated", p.Result.Updated, "next", nf.NextPollAt)
	}
	if c.opt.OnPoll != nil {
		c.opt.OnPoll(p.Result)
	}
	c.requestMirrors(ctx, p.ToMirror)
	return c.reschedule(ctx, job, nf.NextPollAt, p.Result.New > 0 && c.opt.NewGrouping != nil)
}

// reschedule ends a successful run: the job waits for next (and a group job
// is asked for when the poll stored new articles).
func (c *core[TTx]) reschedule(ctx context.Context, job *river.Job[PollArgs], next time.Time, group bool) error {
	if job.Attempt > 1 {
		return c.complete(ctx, job, next, group)
	}
	if group {
		// Outside any transaction: a request lost to a crash right here is
		// caught by the leader's periodic sweep.
		if err := c.requestGrouping(ctx); err != nil {
			c.log.Warn("request grouping", "feed", job.Args.FeedID, "err", err)
		}
	}
	return river.JobSnooze(max(next.Sub(c.opt.Now()), 0))
}

// complete marks the job completed and inserts a fresh job for the feed's
// next poll at next, in one transaction: either both happen or the job
// runs again. Completing first is what lets the successor in, since the
// unique states include running.
func (c *core[TTx]) complete(ctx context.Context, job *river.Job[PollArgs], next time.Time, group bool) error {
	err := c.be.inTx(ctx, func(tx TTx) error {
		if err := c.be.completeTx(ctx, tx, job.JobRow); err != nil {
			return fmt.Errorf("complete: %w", err)
		}
		if _, err := c.client.InsertTx(ctx, tx, PollArgs{FeedID: job.Args.FeedID}, scheduledAt(next, c.opt.Now())); err != nil {
			return fmt.Errorf("schedule next poll: %w", err)
		}
		if group {
			if err := requestGroup(func(args GroupArgs) (*rivertype.JobInsertResult, error) {
				return c.client.InsertTx(ctx, tx, args, nil)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("poll feed %d: %w", job.Args.FeedID, err)
	}
	return nil
}
