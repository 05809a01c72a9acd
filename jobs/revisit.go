package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"crosswire"
)

// revisitBatch bounds one revisit job; what is left is due at the next run.
const revisitBatch = 200

// revisitWorker runs the due article revisits through the pipeline (the
// same fetcher, limits and extraction as polls).
type revisitWorker[TTx any] struct {
	river.WorkerDefaults[RevisitArgs]
	c *core[TTx]
}

func (w *revisitWorker[TTx]) Work(ctx context.Context, _ *river.Job[RevisitArgs]) error {
	n, err := w.c.poller.RevisitDue(ctx, w.c.opt.Now(), revisitBatch)
	if n > 0 {
		w.c.log.Info("revisited articles", "n", n)
	}
	if err != nil {
		return fmt.Errorf("jobs: revisits: %w", err)
	}
	return nil
}

// mirrorTimeout bounds one article's image downloads; mediaWorkers is how
// many articles a process mirrors at once (each fetches its images in
// turn, within the fetcher's per-host limit).
const (
	mirrorTimeout = 2 * time.Minute
	mediaWorkers  = 4
)

// mirrorWorker downloads the images of one article a poll stored, and
// points the stored article at the copies.
type mirrorWorker[TTx any] struct {
	river.WorkerDefaults[MirrorArgs]
	c *core[TTx]
}

func (w *mirrorWorker[TTx]) Timeout(*river.Job[MirrorArgs]) time.Duration { return mirrorTimeout }

func (w *mirrorWorker[TTx]) Work(ctx context.Context, job *river.Job[MirrorArgs]) error {
	err := w.c.poller.MirrorArticle(ctx, job.Args.ArticleID)
	if errors.Is(err, crosswire.ErrNotFound) {
		return nil // deleted with its source meanwhile
	}
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// requestMirrors asks for the images of a poll's articles to be mirrored.
// A request lost here leaves those articles pointing at the outlet's
// images, as a failed download would: it is logged, the poll stands.
func (c *core[TTx]) requestMirrors(ctx context.Context, articleIDs []int64) {
	if len(articleIDs) == 0 {
		return
	}
	params := make([]river.InsertManyParams, len(articleIDs))
	for i, id := range articleIDs {
		params[i] = river.InsertManyParams{Args: MirrorArgs{ArticleID: id}}
	}
	if _, err := c.client.InsertMany(ctx, params); err != nil {
		c.log.Warn("request image mirroring", "articles", len(articleIDs), "err", err)
	}
}
