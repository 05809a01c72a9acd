package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"crosswire/ingest"
)

// Grouping runs in one process at a time: the live grouper keeps the last
// 72 hours of articles in memory, and two of them would each miss the
// other's stories. The process holding the grouper lock (a session
// advisory lock on PostgreSQL; the only process on SQLite) is the only one
// with a worker on QueueGroup, which has one worker; the job reads the
// articles in no story, oldest first, in batches.
const (
	// groupBudget bounds one job; what is left gets a follow-up job, so a
	// large backlog does not hold the job past its timeout.
	groupBudget   = 30 * time.Second
	groupTimeout  = 5 * time.Minute
	grouperRetry  = 5 * time.Second
	notGrouperFor = 10 * time.Second
)

// groupQueue has one worker: grouping runs in one process at a time.
var groupQueue = river.QueueConfig{MaxWorkers: 1}

type groupWorker[TTx any] struct {
	river.WorkerDefaults[GroupArgs]
	c *core[TTx]
}

func (w *groupWorker[TTx]) Timeout(*river.Job[GroupArgs]) time.Duration { return groupTimeout }

func (w *groupWorker[TTx]) Work(ctx context.Context, job *river.Job[GroupArgs]) error {
	c := w.c
	g, err := c.grouper(ctx)
	if err != nil {
		return err
	}
	if g == nil {
		// This process lost the lock (its database session dropped) and
		// another took it: let that one have the job.
		return river.JobSnooze(notGrouperFor)
	}
	n, more, err := g.GroupPending(ctx, c.opt.Now().Add(groupBudget))
	if n > 0 {
		c.log.Debug("grouped articles", "articles", n)
	}
	if err != nil {
		return err
	}
	if more {
		if err := c.requestGrouping(ctx); err != nil {
			return err
		}
	}
	// Completed now rather than by River's batching completer a moment
	// later, while the queue's worker may already run the next group job:
	// until then this row would still read running, and a request finding
	// both slots' jobs running would be dropped (see requestGroup).
	return c.be.inTx(ctx, func(tx TTx) error { return c.be.completeTx(ctx, tx, job.JobRow) })
}

// grouper returns this process's grouping state, building it when the
// lock was just taken; nil when another process is the grouper.
func (c *core[TTx]) grouper(ctx context.Context) (*ingest.Grouping, error) {
	c.grouperMu.Lock()
	defer c.grouperMu.Unlock()
	held, fresh, err := c.be.grouperLock().ensure(ctx)
	if err != nil {
		return nil, fmt.Errorf("grouper lock: %w", err)
	}
	if !held {
		c.grouping = nil
		return nil, nil
	}
	if fresh || c.grouping == nil {
		g, err := c.opt.NewGrouping(ctx)
		if err != nil {
			return nil, fmt.Errorf("load grouper state: %w", err)
		}
		c.grouping = g
	}
	return c.grouping, nil
}

// claimGrouper waits for the grouper lock in a process that shares the
// database with others, and adds the group queue once it has it, so only
// the grouper fetches group jobs.
func (c *core[TTx]) claimGrouper(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		g, err := c.grouper(ctx)
		if err != nil && ctx.Err() == nil {
			c.log.Warn("claim grouper", "err", err)
		}
		if g != nil {
			if err := c.client.Queues().Add(QueueGroup, groupQueue); err != nil {
				c.log.Error("add group queue", "err", err)
			} else {
				c.log.Info("this process groups articles into stories")
			}
			return
		}
		t.Reset(grouperRetry)
	}
}
