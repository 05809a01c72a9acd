// Package jobs runs the hub's background work as River jobs, on SQLite (the
// embedded default, one process) and on PostgreSQL (any number of worker
// processes) through the same code: only a few statements and the locks
// differ (see backend). On PostgreSQL River's tables are in the store's
// database and schema; on SQLite in a file of their own beside the store's
// (see NewSQLite), which holds nothing the store does not: lost, it is
// rebuilt from the feeds.
//
// Job kinds and queues:
//
//   - poll_feed (queue "poll", Options.Workers at once per process): polls
//     one feed, applies schedule.Policy, saves the feed's state, and waits
//     for the feed's NextPollAt as a scheduled River job (the same row,
//     "snoozed"; after a run that followed failures, a fresh job instead).
//     The feed's NextPollAt in the store stays the source of truth: a job
//     that finds its feed not due only moves to NextPollAt. Unique by feed
//     ID across available, pending, running, retryable and scheduled: one
//     job per feed in flight. A feed's HTTP or parse failure is not a job
//     error: it is recorded on the feed and the policy's backoff schedules
//     the next poll. Unexpected errors (database, host slot, timeout) fail
//     the job and River retries it with backoff, up to 5 attempts.
//   - schedule_polls (queue "default"): the leader's periodic reconcile,
//     one query for the feeds of unpaused sources without a poll job (new
//     in the config, from the CLI or the admin API, a resumed source, a
//     discarded job); each worker process also runs it once at start.
//   - group_articles (queue "group", one worker, only in the process that
//     holds the grouper lock): assigns the articles in no story, oldest
//     first, in batches. Polls that stored new articles ask for one at the
//     next whole second (unique per second), and the leader asks every
//     minute as a sweep.
//   - revisit_articles (queue "default"): the leader's periodic run (every
//     Options.RevisitEvery) of ingest.Pipeline.RevisitDue: article pages
//     fetched again after publication, so edits become page revisions and
//     a 404/410 marks the article removed at source.
//
// Shutdown: Stop cancels the jobs in flight (StopAndCancel) and waits,
// within its context, for River to record them; River takes a job cut
// short by its client's stop as interrupted and makes it available again
// at once, without counting the attempt, so it runs at the next start or
// on another process. A process that dies leaves its jobs
// running until River's rescuer retries them after Options.RescueAfter.
// Every job is idempotent: articles are saved by key, and a re-run poll of
// a feed already polled only reschedules.
//
// Per-host limits: fetch.Client limits requests per host within a process.
// On PostgreSQL each request also holds one of Options.PerHost session
// advisory locks of its host (see NewPostgres), so the limit holds across
// processes. On SQLite there is one worker process and the in-process limit
// is the limit.
package jobs
