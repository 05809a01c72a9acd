package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"crosswire"
	"crosswire/ingest"
	"crosswire/schedule"
)

// Options configure a Runner. Store and Pipeline are required.
type Options struct {
	Store crosswire.Store
	// Pipeline polls one feed. The Runner works on a copy whose Fetcher is
	// wrapped by the cross-process host limit (PostgreSQL) and whose
	// Stories is nil: grouping is a job of its own.
	Pipeline *ingest.Pipeline
	Policy   schedule.Policy
	// NewGrouping loads the live grouper's state from the store; nil
	// turns grouping off. It is called when this process becomes the
	// grouper, so the state includes every assignment made elsewhere.
	NewGrouping func(ctx context.Context) (*ingest.Grouping, error)

	// Workers is how many polls this process runs at once (polling.workers).
	Workers int
	// PerHost is how many requests one host gets at once across all
	// processes (polling.per_host). On SQLite there is one process and the
	// fetcher's own limit is the only one.
	PerHost int
	// PollTimeout cancels a poll job that runs longer (default 1 min); a
	// feed's own fetch timeout should be well below it. RescueAfter is
	// when River takes a job still "running" to be orphaned by a dead
	// process and runs it again (default PollTimeout + 1 min).
	PollTimeout time.Duration
	RescueAfter time.Duration
	// ReconcileEvery is how often the leader looks for feeds without a
	// poll job (default 30 s); GroupSweepEvery how often it asks for a
	// grouping run even without new articles, and at start (default 1 min;
	// negative: never, only polls that store articles ask).
	ReconcileEvery  time.Duration
	GroupSweepEvery time.Duration
	// RevisitEvery is how often the leader runs the due article revisits
	// (default 1 min; negative: never).
	RevisitEvery time.Duration
	// FetchCooldown is the least time between two fetches of poll jobs by
	// this process (default 5 ms: River's 100 ms would cap a process at
	// Workers x 10 polls per second).
	FetchCooldown time.Duration

	Now    func() time.Time
	Rand   func() float64
	Log    *slog.Logger
	OnPoll func(crosswire.PollResult) // progress, metrics

	// testOnly sets River's TestOnly (no staggered start of maintenance).
	testOnly bool
}

func (o *Options) defaults() error {
	if o.Store == nil || o.Pipeline == nil {
		return errors.New("jobs: Options.Store and Options.Pipeline are required")
	}
	o.Workers = max(o.Workers, 1)
	o.PerHost = max(o.PerHost, 1)
	if o.PollTimeout <= 0 {
		o.PollTimeout = time.Minute
	}
	if o.RescueAfter <= o.PollTimeout {
		o.RescueAfter = o.PollTimeout + time.Minute
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = 30 * time.Second
	}
	if o.RevisitEvery == 0 {
		o.RevisitEvery = time.Minute
	}
	if o.GroupSweepEvery == 0 {
		o.GroupSweepEvery = time.Minute
	}
	if o.FetchCooldown <= 0 {
		o.FetchCooldown = 5 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = func() float64 { return 0.5 }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Runner runs the hub's jobs on River. Make one with NewSQLite or
// NewPostgres; Start it in worker processes. It is the same code on both
// databases but for a few statements and locks (see backend).
type Runner struct {
	impl engine
}

// engine is the Runner's implementation, generic over River's transaction
// type underneath.
type engine interface {
	start(ctx context.Context) error
	stop(ctx context.Context) error
	schedulePolls(ctx context.Context) (int, error)
	requestGrouping(ctx context.Context) error
	queueStats(ctx context.Context) (int, time.Duration, error)
	// For tests and diagnostics.
	migrate(ctx context.Context) error
	insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	listJobs(ctx context.Context, kind string) ([]*rivertype.JobRow, error)
}

// Start applies River's migrations (once across processes), starts the
// workers and the leader's periodic jobs, and gives every feed without a
// poll job one at once, so a new deployment does not wait for the first
// reconcile period.
func (r *Runner) Start(ctx context.Context) error { return r.impl.start(ctx) }

// Stop cancels the jobs in flight and waits for River to record them
// (available again: nothing is lost, they run at the next start or on
// another process) until ctx is done. A job whose process dies instead is
// rescued by River after Options.RescueAfter.
func (r *Runner) Stop(ctx context.Context) error { return r.impl.stop(ctx) }

// SchedulePolls gives a poll job to every feed of an unpaused source that
// has none and returns how many it inserted. The leader does it every
// ReconcileEvery; commands that add feeds may call it to skip the wait.
func (r *Runner) SchedulePolls(ctx context.Context) (int, error) { return r.impl.schedulePolls(ctx) }

// QueueStats reports how many jobs are ready to run and how long the
// oldest of them has waited past its scheduled time (for /metrics).
func (r *Runner) QueueStats(ctx context.Context) (available int, wait time.Duration, err error) {
	return r.impl.queueStats(ctx)
}

// backend is what differs between the databases.
type backend[TTx any] interface {
	driver() riverdriver.Driver[TTx]
	// migrate applies River's migrations, once across processes.
	migrate(ctx context.Context) error
	// inTx runs fn in a transaction of River's pool and commits it.
	inTx(ctx context.Context, fn func(tx TTx) error) error
	// completeTx marks a running job completed inside tx.
	completeTx(ctx context.Context, tx TTx, row *rivertype.JobRow) error
	// unscheduledFeeds lists the feeds of unpaused sources without an
	// active poll job, in one query.
	unscheduledFeeds(ctx context.Context) ([]feedDue, error)
	// queueStats counts the jobs due at now (available, or scheduled at
	// or before now) and gives the scheduled time of the oldest: the
	// queue's depth and its wait.
	queueStats(ctx context.Context, now time.Time) (n int, oldest time.Time, err error)
	// hosts limits requests per host across processes; nil when the
	// fetcher's in-process limit is enough.
	hosts() hostLimiter
	// grouperLock is held by the one process that groups.
	grouperLock() exclusiveLock
	close()
}

// feedDue is a feed that needs a poll job, and when.
type feedDue struct {
	id   int64
	next time.Time
}

// exclusiveLock is held by at most one process of a deployment. Once taken
// it is kept until the process exits (or its database session is lost),
// so the holder's in-memory state stays the only one that acts.
type exclusiveLock interface {
	// ensure takes the lock if it is free and reports whether this process
	// holds it now; fresh is true when it was (re)taken by this call, so
	// state built while someone else held it must be rebuilt.
	ensure(ctx context.Context) (held, fresh bool, err error)
	// local is true when the lock cannot be contended (one process).
	local() bool
}

// core is the Runner on one River driver.
type core[TTx any] struct {
	opt    Options
	be     backend[TTx]
	client *river.Client[TTx]
	poller *ingest.Pipeline
	log    *slog.Logger

	grouperMu sync.Mutex
	grouping  *ingest.Grouping // nil until this process is the grouper

	loops sync.WaitGroup
	halt  context.CancelFunc
}

func newCore[TTx any](be backend[TTx], opt Options) (*core[TTx], error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	c := &core[TTx]{opt: opt, be: be, log: opt.Log}
	pl := *opt.Pipeline
	pl.MirrorLater = true // images are mirror_media jobs
	if h := be.hosts(); h != nil {
		pl.Fetcher = limitedFetcher{next: pl.Fetcher, hosts: h}
		if pl.Mirror != nil {
			// Image downloads take the same host slots as polls.
			m := *pl.Mirror
			m.Fetcher = limitedFetcher{next: m.Fetcher, hosts: h}
			pl.Mirror = &m
		}
	}
	c.poller = &pl

	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &pollWorker[TTx]{c: c}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &groupWorker[TTx]{c: c}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &reconcileWorker[TTx]{c: c}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &revisitWorker[TTx]{c: c}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &mirrorWorker[TTx]{c: c}); err != nil {
		return nil, err
	}
	queues := map[string]river.QueueConfig{
		QueuePoll:  {MaxWorkers: opt.Workers, FetchCooldown: opt.FetchCooldown},
		QueueMaint: {MaxWorkers: 2},
		QueueMedia: {MaxWorkers: mediaWorkers},
	}
	if opt.NewGrouping != nil && be.grouperLock().local() {
		// One process: it is the grouper from the start.
		queues[QueueGroup] = groupQueue
	}
	var periodic []*river.PeriodicJob
	periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(opt.ReconcileEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
		&river.PeriodicJobOpts{ID: KindReconcile, RunOnStart: true}))
	if opt.NewGrouping != nil && opt.GroupSweepEvery > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(opt.GroupSweepEvery),
			func() (river.JobArgs, *river.InsertOpts) { return GroupArgs{}, nil },
			&river.PeriodicJobOpts{ID: KindGroup, RunOnStart: true}))
	}
	if opt.RevisitEvery > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(opt.RevisitEvery),
			func() (river.JobArgs, *river.InsertOpts) { return RevisitArgs{}, nil },
			&river.PeriodicJobOpts{ID: KindRevisit, RunOnStart: true}))
	}
	client, err := river.NewClient(be.driver(), &river.Config{
		Logger:                      slog.New(minLevel{opt.Log.Handler(), slog.LevelWarn}),
		Queues:                      queues,
		Workers:                     workers,
		PeriodicJobs:                periodic,
		JobTimeout:                  opt.PollTimeout,
		RescueStuckJobsAfter:        opt.RescueAfter,
		CompletedJobRetentionPeriod: time.Hour,
		// The poll queue's cooldown is the one that matters; the default
		// poll interval stays as the fallback when a notification is lost.
		FetchCooldown: 20 * time.Millisecond,
		TestOnly:      opt.testOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: new river client: %w", err)
	}
	c.client = client
	return c, nil
}

func (c *core[TTx]) start(ctx context.Context) error {
	if err := c.be.migrate(ctx); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.halt = cancel
	if err := c.client.Start(runCtx); err != nil {
		cancel()
		return fmt.Errorf("jobs: start river: %w", err)
	}
	// Every worker process reconciles once at start: the leader's periodic
	// run may be seconds away while leadership is settled, and concurrent
	// runs are harmless (the inserts are unique).
	if n, err := c.schedulePolls(ctx); err != nil {
		c.log.Warn("schedule polls at start", "err", err)
	} else if n > 0 {
		c.log.Info("scheduled polls", "feeds", n)
	}
	if c.opt.NewGrouping != nil && !c.be.grouperLock().local() {
		c.loops.Go(func() { c.claimGrouper(runCtx) })
	}
	return nil
}

func (c *core[TTx]) stop(ctx context.Context) error {
	err := c.client.StopAndCancel(ctx)
	if c.halt != nil {
		c.halt()
	}
	c.loops.Wait()
	c.be.close()
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

func (c *core[TTx]) requestGrouping(ctx context.Context) error {
	return requestGroup(func(args GroupArgs) (*rivertype.JobInsertResult, error) {
		return c.client.Insert(ctx, args, nil)
	})
}

// rowOnly lets completeTx hand any job to river.JobCompleteTx, which
// reads only its row.
type rowOnly struct{}

func (rowOnly) Kind() string { return "" }

// requestGroup asks for a group job after new articles were stored. When
// the first slot's job already exists it may be running past its last read
// of the ungrouped articles, so the request takes the follow-up slot, whose
// job waits for the queue's one worker. One of the two is always still to
// read: they never run at once, and a group job marks itself completed
// before the worker takes the next, which frees its slot.
func requestGroup(insert func(GroupArgs) (*rivertype.JobInsertResult, error)) error {
	res, err := insert(GroupArgs{})
	if err == nil && res.UniqueSkippedAsDuplicate {
		_, err = insert(GroupArgs{FollowUp: true})
	}
	if err != nil {
		return fmt.Errorf("jobs: request grouping: %w", err)
	}
	return nil
}

func (c *core[TTx]) queueStats(ctx context.Context) (int, time.Duration, error) {
	now := c.opt.Now()
	n, oldest, err := c.be.queueStats(ctx, now)
	if err != nil || n == 0 {
		return n, 0, err
	}
	return n, max(now.Sub(oldest), 0), nil
}

func (c *core[TTx]) migrate(ctx context.Context) error { return c.be.migrate(ctx) }

func (c *core[TTx]) insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return c.client.Insert(ctx, args, opts)
}

// listJobs lists the jobs of a kind in every state, oldest first.
func (c *core[TTx]) listJobs(ctx context.Context, kind string) ([]*rivertype.JobRow, error) {
	res, err := c.client.JobList(ctx, river.NewJobListParams().Kinds(kind).States(
		rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	).First(10000))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}

// minLevel drops records below a level: River reports its routine at Info,
// the hub's log wants only its warnings and errors.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}
