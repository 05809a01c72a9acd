package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// NewSQLite makes a Runner whose River tables live in the SQLite database
// of db, which must be the store's single write connection (see
// sqlite.Store.WriteDB): River's statements then queue in Go behind the
// store's instead of competing with them for SQLite's one write lock.
//
// Everything runs in one process on SQLite: the fetcher's in-process
// per-host limit is the only one needed, and this process is the grouper.
// Run at most one worker process (role all or worker) per database file.
func NewSQLite(db *sql.DB, opt Options) (*Runner, error) {
	c, err := newCore[*sql.Tx](&sqliteBackend{db: db, drv: riversqlite.New(db)}, opt)
	if err != nil {
		return nil, err
	}
	return &Runner{impl: c}, nil
}

type sqliteBackend struct {
	db   *sql.DB
	drv  *riversqlite.Driver
	lock localLock
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

func (b *sqliteBackend) completeTx(ctx context.Context, tx *sql.Tx, job *river.Job[PollArgs]) error {
	_, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
	return err
}

// unscheduledFeedsSQLite lists feeds of unpaused sources without an active
// poll job. NOT IN over an uncorrelated subquery is evaluated once (into
// an index), where NOT EXISTS would scan the jobs again for every feed.
const unscheduledFeedsSQLite = `SELECT f.id, f.next_poll_at FROM feeds f JOIN sources s ON s.id = f.source_id
WHERE s.paused = 0 AND f.id NOT IN (
	SELECT j.args ->> '$.feed_id' FROM river_job j
	WHERE j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
		AND j.kind = '` + KindPoll + `' AND j.args ->> '$.feed_id' IS NOT NULL)
ORDER BY f.id`

func (b *sqliteBackend) unscheduledFeeds(ctx context.Context) ([]feedDue, error) {
	rows, err := b.db.QueryContext(ctx, unscheduledFeedsSQLite)
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

func (b *sqliteBackend) ungrouped(ctx context.Context, after int64, limit int) ([]int64, error) {
	return queryIDs(ctx, b.db, `SELECT id FROM articles WHERE story_id IS NULL AND id > ? ORDER BY id LIMIT ?`, after, limit)
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
