package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// reconcileWorker gives a poll job to every feed that has none. The leader
// runs it every Options.ReconcileEvery; it is one query and, usually,
// nothing to insert.
type reconcileWorker[TTx any] struct {
	river.WorkerDefaults[ReconcileArgs]
	c *core[TTx]
}

func (w *reconcileWorker[TTx]) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	n, err := w.c.schedulePolls(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.c.log.Info("scheduled polls for feeds without one", "feeds", n)
	}
	return nil
}

// insertBatch bounds one InsertMany (and its transaction).
const insertBatch = 1000

func (c *core[TTx]) schedulePolls(ctx context.Context) (int, error) {
	due, err := c.be.unscheduledFeeds(ctx)
	if err != nil {
		return 0, fmt.Errorf("jobs: feeds without a poll job: %w", err)
	}
	inserted := 0
	for len(due) > 0 {
		batch := due[:min(len(due), insertBatch)]
		due = due[len(batch):]
		params := make([]river.InsertManyParams, len(batch))
		now := c.opt.Now()
		for i, f := range batch {
			params[i] = river.InsertManyParams{Args: PollArgs{FeedID: f.id}, InsertOpts: scheduledAt(f.next, now)}
		}
		res, err := c.client.InsertMany(ctx, params)
		if err != nil {
			return inserted, fmt.Errorf("jobs: schedule polls: %w", err)
		}
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				inserted++
			}
		}
	}
	return inserted, nil
}

// scheduledAt is the insert options of a job due at t. A time already past
// is left out: River then inserts the job available (and tells the
// producers) instead of scheduled, which waits for the scheduler's round.
func scheduledAt(t, now time.Time) *river.InsertOpts {
	if !t.After(now) {
		return nil
	}
	return &river.InsertOpts{ScheduledAt: t}
}
