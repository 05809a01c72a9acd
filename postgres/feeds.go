package postgres

import (
	"context"
	"fmt"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const feedColumns = `f.id, f.source_id, f.url, f.etag, f.last_modified, f.title, f.interval_ms, f.hint_ttl_ms,
	f.next_poll_at, f.last_poll_at, f.last_new_at, f.last_status, f.last_error, f.failures, f.total_polls,
	f.total_errors`

func scanFeed(r pgx.Row) (crosswire.Feed, error) {
	var (
		f                   crosswire.Feed
		interval, hint      int64
		next, last, lastNew pgtype.Timestamptz
	)
	err := r.Scan(&f.ID, &f.SourceID, &f.URL, &f.ETag, &f.LastModified, &f.Title, &interval, &hint, &next,
		&last, &lastNew, &f.LastStatus, &f.LastError, &f.Failures, &f.TotalPolls, &f.TotalErrors)
	f.Interval, f.HintTTL = fromDurationMS(interval), fromDurationMS(hint)
	f.NextPollAt, f.LastPollAt, f.LastNewAt = fromTS(next), fromTS(last), fromTS(lastNew)
	return f, err
}

func collectFeeds(rows pgx.Rows, err error) ([]crosswire.Feed, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crosswire.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// PutFeed inserts the feed with the polling state it carries, unless its
// source already has that URL; either way f.ID is the stored feed's.
func (s *Store) PutFeed(ctx context.Context, f *crosswire.Feed) error {
	if f.URL == "" {
		return fmt.Errorf("postgres: put feed of source %d: empty URL", f.SourceID)
	}
	// A no-op DO UPDATE rather than DO NOTHING, so that RETURNING yields
	// the existing row's id too.
	err := s.pool.QueryRow(ctx, `INSERT INTO feeds (source_id, url, etag, last_modified, title,
			interval_ms, hint_ttl_ms, next_poll_at, last_poll_at, last_new_at, last_status, last_error,
			failures, total_polls, total_errors)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (source_id, url) DO UPDATE SET url = feeds.url
		RETURNING id`,
		f.SourceID, f.URL, f.ETag, f.LastModified, f.Title, durationMS(f.Interval), durationMS(f.HintTTL),
		ts(f.NextPollAt), ts(f.LastPollAt), ts(f.LastNewAt), f.LastStatus, f.LastError, f.Failures,
		f.TotalPolls, f.TotalErrors,
	).Scan(&f.ID)
	if pgCode(err) == foreignKeyViolation {
		err = fmt.Errorf("source %d: %w", f.SourceID, crosswire.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: put feed %s: %w", f.URL, err)
	}
	return nil
}

func (s *Store) FeedByID(ctx context.Context, id int64) (crosswire.Feed, error) {
	f, err := scanFeed(s.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.id = $1`, id))
	if err != nil {
		return f, fmt.Errorf("postgres: feed %d: %w", id, notFound(err))
	}
	return f, nil
}

// Feeds lists a source's feeds (0: every source's) in the order they were
// added.
func (s *Store) Feeds(ctx context.Context, sourceID int64) ([]crosswire.Feed, error) {
	var (
		out []crosswire.Feed
		err error
	)
	if sourceID == 0 {
		out, err = collectFeeds(s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.id`))
	} else {
		out, err = collectFeeds(s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.source_id = $1 ORDER BY f.id`, sourceID))
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: feeds of source %d: %w", sourceID, err)
	}
	return out, nil
}

// SaveFeedState writes everything a poll learns about a feed. Moving it to
// a URL its source already has is ErrConflict.
func (s *Store) SaveFeedState(ctx context.Context, f crosswire.Feed) error {
	tag, err := s.pool.Exec(ctx, `UPDATE feeds SET url = $1, etag = $2, last_modified = $3, title = $4,
			interval_ms = $5, hint_ttl_ms = $6, next_poll_at = $7, last_poll_at = $8, last_new_at = $9,
			last_status = $10, last_error = $11, failures = $12, total_polls = $13, total_errors = $14
		WHERE id = $15`,
		f.URL, f.ETag, f.LastModified, f.Title, durationMS(f.Interval), durationMS(f.HintTTL),
		ts(f.NextPollAt), ts(f.LastPollAt), ts(f.LastNewAt), f.LastStatus, f.LastError, f.Failures,
		f.TotalPolls, f.TotalErrors, f.ID)
	if pgCode(err) == uniqueViolation {
		err = fmt.Errorf("url %s taken by another feed of source %d: %w", f.URL, f.SourceID, crosswire.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("postgres: save feed %d state: %w", f.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: save feed %d state: %w", f.ID, crosswire.ErrNotFound)
	}
	return nil
}

// DeleteFeed removes a feed; the articles first seen in it stay, with
// FeedID 0.
func (s *Store) DeleteFeed(ctx context.Context, id int64) error {
	fail := func(err error) error { return fmt.Errorf("postgres: delete feed %d: %w", id, err) }
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer rollback(ctx, tx)
	var sourceID int64
	if err := tx.QueryRow(ctx, `DELETE FROM feeds WHERE id = $1 RETURNING source_id`, id).Scan(&sourceID); err != nil {
		return fail(notFound(err))
	}
	// source_id first lets the per-source index find the rows.
	if _, err := tx.Exec(ctx, `UPDATE articles SET feed_id = NULL WHERE source_id = $1 AND feed_id = $2`, sourceID, id); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}
