package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"crosswire"
	"crosswire/ingest"
	"crosswire/jobs"
	"crosswire/metrics"
	"crosswire/postgres"
	"crosswire/sqlite"
)

// role is what a `serve` process does. Any number of web and worker
// processes can share one PostgreSQL database; on SQLite run one process
// with role all (or one worker and any number of web processes).
type role string

const (
	roleAll    role = "all"    // the site and the workers in one process (the default)
	roleWeb    role = "web"    // the site only: no polling, no River workers
	roleWorker role = "worker" // River workers only; HTTP only with --listen, for probes and metrics
)

const roleUsage = "what this process does: all (site and polling), web (site only) or worker (polling jobs only; " +
	"with --listen it also answers /healthz, /readyz and /metrics)"

// parseRole reads --role; the older --no-poll means web.
func parseRole(name string, noPoll bool) (role, error) {
	r := role(name)
	switch r {
	case roleAll, roleWeb, roleWorker:
	default:
		return "", fmt.Errorf("--role %q: want all, web or worker", name)
	}
	if noPoll {
		if r == roleWorker {
			return "", fmt.Errorf("--no-poll contradicts --role worker")
		}
		r = roleWeb
	}
	return r, nil
}

// serves reports whether the process serves the site.
func (r role) serves() bool { return r != roleWorker }

// works reports whether the process runs the jobs (polls, grouping).
func (r role) works() bool { return r != roleWeb }

// listens reports whether the process opens an HTTP listener: the site's,
// or a worker's probes when an address was given.
func (r role) listens(listenFlag string) bool { return r.serves() || listenFlag != "" }

// jobTimeouts derive River's limits from the fetcher's timeout: a poll job
// is the fetch plus parsing and storing, and one still running well past
// that belongs to a process that died.
func jobTimeouts(fetchTimeout time.Duration) (poll, rescue time.Duration) {
	poll = fetchTimeout + 10*time.Second
	return poll, poll + 5*time.Second
}

// newJobs makes the River runner on the hub's store. On PostgreSQL River
// shares the store's database, schema and pool. On SQLite it has a file of
// its own beside the store's (see jobsPath), so that its writes do not
// queue behind the store's on SQLite's one writer; close is then that
// file's.
func newJobs(h *hub, onPoll func(crosswire.PollResult)) (r *jobs.Runner, close func() error, err error) {
	p := h.cfg.Polling
	pollTimeout, rescueAfter := jobTimeouts(p.Timeout)
	opt := jobs.Options{
		Store:    h.store,
		Pipeline: h.pipeline,
		Policy:   h.runner.Policy,
		NewGrouping: func(ctx context.Context) (*ingest.Grouping, error) {
			return newGrouping(ctx, h.store)
		},
		Workers:     p.Workers,
		PerHost:     p.PerHost,
		PollTimeout: pollTimeout,
		RescueAfter: rescueAfter,
		Now:         time.Now,
		Rand:        rand.Float64,
		Log:         h.log,
		OnPoll:      onPoll,
	}
	nothing := func() error { return nil }
	switch st := h.store.(type) {
	case *sqlite.Store:
		db, err := jobs.OpenSQLite(jobsPath(h.cfg.Database))
		if err != nil {
			return nil, nil, err
		}
		r, err := jobs.NewSQLite(db, st.ReadDB(), opt)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return r, db.Close, nil
	case *postgres.Store:
		r, err := jobs.NewPostgres(st.Pool(), opt)
		return r, nothing, err
	default:
		return nil, nil, fmt.Errorf("jobs: no job queue for a %T store", h.store)
	}
}

// jobsPath is where River keeps its tables next to a SQLite store:
// data/crosswire.db → data/crosswire.jobs.db. It holds only the schedule of
// jobs, which the workers rebuild from the store's feeds when it is lost.
func jobsPath(database string) string {
	if database == ":memory:" || strings.HasPrefix(database, "file::memory:") {
		return ":memory:"
	}
	return strings.TrimSuffix(database, filepath.Ext(database)) + ".jobs.db"
}

// startJobs starts the workers of a process whose role polls, and returns
// what stops them: it cancels the jobs in flight and waits, briefly, for
// River to record them (those it cannot are rescued later, see
// jobs.Runner), then closes River's own database if it has one.
func startJobs(ctx context.Context, h *hub, m *metrics.Metrics) (stop func(), err error) {
	r, closeDB, err := newJobs(h, m.ObservePoll)
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		closeDB()
		return nil, err
	}
	// Read at scrape time, both figures from one query; a slow database
	// must not hang /metrics.
	m.Gauges([]metrics.GaugeSpec{
		{Name: "crosswire_jobs_due", Help: "Jobs due to run now and not yet started (queue depth)."},
		{Name: "crosswire_jobs_wait_seconds", Help: "How long the oldest due job has waited past its scheduled time (queue latency)."},
	}, func() []float64 {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		n, wait, err := r.QueueStats(sctx)
		if err != nil {
			h.log.Warn("queue stats", "err", err)
		}
		return []float64{float64(n), wait.Seconds()}
	})
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			h.log.Warn("stop jobs", "err", err)
		}
		if err := closeDB(); err != nil {
			h.log.Warn("close jobs database", "err", err)
		}
	}, nil
}
