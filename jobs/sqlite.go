package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"crosswire/sqlite"
)

// NewSQLite makes a Runner on SQLite. riverDB holds River's tables;
// storeDB is the store's database, read for the feeds to schedule and the
// articles to group (sqlite.Store.ReadDB). The hub gives River a file of
// its own (OpenSQLite): River's writes then do not queue behind the
// store's on SQLite's single writer, and its statements are prepared once.
// riverDB may also be the store's write connection (sqlite.Store.WriteDB,
// both arguments), one file for everything, at about half the throughput
// of unchanged polls (BenchmarkPollJobsSQLite*).
//
// Everything runs in one process on SQLite: the fetcher's in-process
// per-host limit is the only one needed, and this process is the grouper.
// Run at most one worker process (role all or worker) per database.
func NewSQLite(riverDB, storeDB *sql.DB, opt Options) (*Runner, error) {
	b := &sqliteBackend{db: riverDB, store: storeDB, drv: riversqlite.New(riverDB)}
	c, err := newCore[*sql.Tx](b, opt)
	if err != nil {
		return nil, err
	}
	return &Runner{impl: c}, nil
}

// OpenSQLite opens (creating) a database file for River's tables alone:
// one connection, as River's SQLite driver wants, in WAL mode with
// immediate transactions, keeping its prepared statements (see
// stmtCacheConn). Its content is only the schedule of jobs, which the
// reconcile job rebuilds from the store's feeds if the file is lost.
func OpenSQLite(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	name := path
	if path != ":memory:" {
		name = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	db := sqlite.OpenCachingDB(name + "?" + q.Encode())
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

type sqliteBackend struct {
	db    *sql.DB // River's
	store *sql.DB // the store's (may be db)
	drv   *riversqlite.Driver
	lock  localLock
}

func (b *sqliteBackend) driver() riverdriver.Driver[*sql.Tx] { return b.drv }

func (b *sqliteBackend) migrate(ctx context.Context) error {
	m, err := rivermigrate.New(b.drv, nil)
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	// The store's write connection begins IMMEDIATE: two processes opening
	// one file at once migrate one after the other.
	err = b.inTx(ctx, func(tx *sql.Tx) error {
		_, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return nil
}

func (b *sqliteBackend) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (b *sqliteBackend) completeTx(ctx context.Context, tx *sql.Tx, row *rivertype.JobRow) error {
	_, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, &river.Job[rowOnly]{JobRow: row})
	return err
}

// activePollFeeds lists the feeds that have an active poll job.
var activePollFeeds = `SELECT j.args ->> '$.feed_id' FROM river_job j
WHERE j.state IN (` + activeStatesSQL + `)
	AND j.kind = '` + KindPoll + `' AND j.args ->> '$.feed_id' IS NOT NULL`

// unscheduledFeedsSQLite lists feeds of unpaused sources without an active
// poll job, when River's tables are in the store's database. NOT IN over
// an uncorrelated subquery is evaluated once (into an index), where NOT
// EXISTS would scan the jobs again for every feed.
var unscheduledFeedsSQLite = `SELECT f.id, f.next_poll_at FROM feeds f JOIN sources s ON s.id = f.source_id
WHERE s.paused = 0 AND f.id NOT IN (` + activePollFeeds + `)
ORDER BY f.id`

// pollableFeedsSQLite lists the feeds of unpaused sources, when River's
// tables are elsewhere and the difference is taken here.
const pollableFeedsSQLite = `SELECT f.id, f.next_poll_at FROM feeds f JOIN sources s ON s.id = f.source_id
WHERE s.paused = 0 ORDER BY f.id`

func (b *sqliteBackend) unscheduledFeeds(ctx context.Context) ([]feedDue, error) {
	if b.store == b.db {
		return scanFeedsDue(b.db.QueryContext(ctx, unscheduledFeedsSQLite))
	}
	busy, err := queryIDs(ctx, b.db, activePollFeeds)
	if err != nil {
		return nil, err
	}
	all, err := scanFeedsDue(b.store.QueryContext(ctx, pollableFeedsSQLite))
	if err != nil {
		return nil, err
	}
	has := make(map[int64]bool, len(busy))
	for _, id := range busy {
		has[id] = true
	}
	out := all[:0]
	for _, f := range all {
		if !has[f.id] {
			out = append(out, f)
		}
	}
	return out, nil
}

func scanFeedsDue(rows *sql.Rows, err error) ([]feedDue, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedDue
	for rows.Next() {
		var (
			f    feedDue
			next sql.NullInt64 // the store keeps unix milliseconds
		)
		if err := rows.Scan(&f.id, &next); err != nil {
			return nil, err
		}
		if next.Valid {
			f.next = time.UnixMilli(next.Int64).UTC()
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func queryIDs(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sqliteTime is how River's SQLite driver writes times (UTC, as text).
const sqliteTime = "2006-01-02 15:04:05.999999999"

func (b *sqliteBackend) queueStats(ctx context.Context, now time.Time) (int, time.Time, error) {
	var n int
	var oldest sql.NullString
	err := b.db.QueryRowContext(ctx, `SELECT count(*), min(scheduled_at) FROM river_job
		WHERE state = 'available' OR (state = 'scheduled' AND scheduled_at <= ?)`,
		now.UTC().Format("2006-01-02 15:04:05.000")).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	t, err := time.Parse(sqliteTime, oldest.String)
	if err != nil {
		return n, time.Time{}, fmt.Errorf("jobs: scheduled_at %q: %w", oldest.String, err)
	}
	return n, t, nil
}

func (b *sqliteBackend) hosts() hostLimiter         { return nil }
func (b *sqliteBackend) grouperLock() exclusiveLock { return &b.lock }
func (b *sqliteBackend) close()                     {}

// localLock is the grouper lock of a single process: always held, fresh
// the first time.
type localLock struct {
	mu    sync.Mutex
	taken bool
}

func (l *localLock) ensure(context.Context) (held, fresh bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fresh = !l.taken
	l.taken = true
	return true, fresh, nil
}

func (l *localLock) local() bool { return true }
