// Package postgres is the scaled store: crosswire.Store on PostgreSQL
// through pgx (pgxpool, no database/sql), with the same behaviour as the
// sqlite package; storetest runs one suite against both.
//
// Connection model. One pgxpool serves readers and writers: PostgreSQL's
// MVCC lets any number of them run at once, and pgx caches each statement
// prepared per connection. Several worker processes may save at once; the
// saves of one source are serialized by a transaction-scoped advisory lock
// on its ID, so two workers polling feeds of the same outlet cannot both
// insert one article. Every SaveArticles call is two round trips whatever
// its size (begin, lock and look up the known keys; insert, update and
// touch everything as arrays, commit), and does not wait for the WAL flush
// (see SaveArticles).
//
// The pool takes its settings from the DSN (pool_max_conns and friends);
// a search_path parameter selects the schema, which is how tests isolate
// themselves.
//
// Times are stored as timestamptz truncated to the millisecond, the SQLite
// store's precision, so both backends return the same values. The tables
// are the SQLite store's (an article's text lives in its revisions).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is crosswire.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool

	// now stamps what callers left without a time (an article without
	// FirstSeenAt, an applied migration). Tests pass every time explicitly.
	now func() time.Time
}

var _ crosswire.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string) and applies the pending migrations, once across processes.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", cfg.ConnConfig.Host, err)
	}
	s := &Store{pool: pool, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return s, nil
}

// Close waits for the connections in use to be returned and closes them.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// SQLSTATE codes the store turns into domain errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// rollback ends a transaction that was not committed; after a commit it is
// a no-op, so it can be deferred.
func rollback(ctx context.Context, tx pgx.Tx) {
	_ = tx.Rollback(context.WithoutCancel(ctx))
}

// notFound maps pgx.ErrNoRows to crosswire.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return crosswire.ErrNotFound
	}
	return err
}

// Analyze refreshes the planner's statistics. Autovacuum does it in normal
// operation; call it after a bulk load (an import, a copy from SQLite), when
// the page queries would otherwise be planned on stale numbers for a while.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("postgres: analyze: %w", err)
	}
	return nil
}
