package jobs

import (
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queues. Polls have their own so that grouping and maintenance never wait
// behind a backlog of polls, and grouping has its own with one worker, on
// the one process that holds the grouper lock. Image downloads have theirs
// so that a slow image host holds up neither.
const (
	QueuePoll  = "poll"
	QueueGroup = "group"
	QueueMedia = "media"
	QueueMaint = river.QueueDefault
)

// Job kinds, as stored in river_job.kind.
const (
	KindPoll      = "poll_feed"
	KindGroup     = "group_articles"
	KindReconcile = "schedule_polls"
	KindRevisit   = "revisit_articles"
	KindMirror    = "mirror_media"
)

// activeStates are the states in which a job counts as "in flight" for
// uniqueness: a feed has at most one poll job in any of them. Completed
// jobs are left out so that a poll can schedule its successor, and River
// requires available, pending, running and scheduled.
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// activeStatesSQL is activeStates as an SQL list, for the queries that
// look for feeds without an active poll job: they must agree with the
// uniqueness River enforces.
var activeStatesSQL = func() string {
	q := make([]string, len(activeStates))
	for i, st := range activeStates {
		q[i] = "'" + string(st) + "'"
	}
	return strings.Join(q, ", ")
}()

// pollMaxAttempts bounds retries of a poll job that failed unexpectedly
// (the store did not answer, the job timed out). A feed's own failures are
// not job errors. When a job is discarded after these, the reconcile job
// gives the feed a fresh one.
const pollMaxAttempts = 5

// PollArgs polls one feed. Unique by feed across activeStates: one job per
// feed in flight.
type PollArgs struct {
	FeedID int64 `json:"feed_id" river:"unique"`
}

func (PollArgs) Kind() string { return KindPoll }

func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueuePoll,
		MaxAttempts: pollMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}

// GroupArgs assigns every article not yet in a story. The job reads what
// is ungrouped when it runs, so one run covers every poll that asked for
// it. Unique by its argument, it has two slots (see requestGroup), so at
// most two group jobs are ever queued.
type GroupArgs struct {
	FollowUp bool `json:"follow_up,omitempty"`
}

func (GroupArgs) Kind() string { return KindGroup }

func (GroupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:      QueueGroup,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}

// ReconcileArgs gives a poll job to every feed of an unpaused source that
// has none: feeds added from the config, the CLI or the admin API, feeds
// of a resumed source, and feeds whose job was discarded.
type ReconcileArgs struct{}

func (ReconcileArgs) Kind() string { return KindReconcile }

func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueMaint,
		MaxAttempts: 3,
		UniqueOpts:  river.UniqueOpts{ByState: activeStates},
	}
}

// RevisitArgs fetches the pages of articles whose revisit is due (see
// ingest.Pipeline.RevisitDue): silent edits become page revisions, a 404
// or 410 marks the article removed at source. The leader inserts one every
// Options.RevisitEvery; unique while one is in flight, and safe to overlap
// anyway (the store refuses a revisit recorded twice).
type RevisitArgs struct{}

func (RevisitArgs) Kind() string { return KindRevisit }

func (RevisitArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueMaint,
		MaxAttempts: 3,
		UniqueOpts:  river.UniqueOpts{ByState: activeStates},
	}
}

// MirrorArgs mirrors the images of one stored article (see
// ingest.Pipeline.MirrorArticle); polls of sources with mirror_media ask
// for it. Unique by article while in flight.
type MirrorArgs struct {
	ArticleID int64 `json:"article_id" river:"unique"`
}

func (MirrorArgs) Kind() string { return KindMirror }

func (MirrorArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueMedia,
		MaxAttempts: 3,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}
