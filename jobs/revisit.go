package jobs

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
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
