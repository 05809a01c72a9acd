package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"crosswire"
	"crosswire/ingest"
)

// Grouping runs in one process at a time: the live grouper keeps the last
// 72 hours of articles in memory, and two of them would each miss the
// other's stories. The process holding the grouper lock (a session
// advisory lock on PostgreSQL; the only process on SQLite) is the only one
// with a worker on QueueGroup, which has one worker; the job reads the
// articles in no story, oldest first, in batches.
const (
	groupBatch = 500
	// groupBudget bounds one job; what is left gets a follow-up job, so a
	// large backlog does not hold the job past its timeout.
	groupBudget   = 30 * time.Second
	groupTimeout  = 5 * time.Minute
	grouperRetry  = 5 * time.Second
	notGrouperFor = 10 * time.Second
)

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
	n, more, err := c.groupPending(ctx, g, c.opt.Now().Add(groupBudget))
	if n > 0 {
		c.log.Debug("grouped articles", "articles", n)
	}
	if err != nil {
		return err
	}
	if more {
		return c.requestGrouping(ctx)
	}
	return nil
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

// groupPending assigns articles in no story to stories, oldest first, until
// none is left or the deadline passes (more is then true).
func (c *core[TTx]) groupPending(ctx context.Context, g *ingest.Grouping, deadline time.Time) (n int, more bool, err error) {
	st := c.opt.Store
	sources := map[int64]crosswire.Source{}
	var after int64 // a cursor, so an article that stays ungrouped is read once
	for {
		ids, err := c.opt.Store.UngroupedArticles(ctx, after, groupBatch)
		if err != nil {
			return n, false, fmt.Errorf("list ungrouped articles: %w", err)
		}
		if len(ids) == 0 {
			return n, false, nil
		}
		var run []*crosswire.Article // consecutive articles of one source
		flush := func() error {
			if len(run) == 0 {
				return nil
			}
			src, ok := sources[run[0].SourceID]
			if !ok {
				s, err := st.SourceByID(ctx, run[0].SourceID)
				if err != nil {
					return fmt.Errorf("source of article %d: %w", run[0].ID, err)
				}
				src, sources[s.ID] = s, s
			}
			if err := g.Assign(ctx, src, run); err != nil {
				return err
			}
			n += len(run)
			run = run[:0]
			return nil
		}
		after = ids[len(ids)-1]
		for _, id := range ids {
			a, err := st.Article(ctx, id)
			if errors.Is(err, crosswire.ErrNotFound) {
				continue // deleted with its source meanwhile
			}
			if err != nil {
				return n, false, fmt.Errorf("load article %d: %w", id, err)
			}
			if a.StoryID != 0 {
				continue
			}
			if len(run) > 0 && run[0].SourceID != a.SourceID {
				if err := flush(); err != nil {
					return n, false, err
				}
			}
			run = append(run, &a)
		}
		if err := flush(); err != nil {
			return n, false, err
		}
		if len(ids) < groupBatch {
			return n, false, nil
		}
		if !c.opt.Now().Before(deadline) {
			return n, true, nil
		}
	}
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
			if err := c.client.Queues().Add(QueueGroup, river.QueueConfig{MaxWorkers: 1}); err != nil {
				c.log.Error("add group queue", "err", err)
			} else {
				c.log.Info("this process groups articles into stories")
			}
			return
		}
		t.Reset(grouperRetry)
	}
}
