package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"crosswire"
)

const feedColumns = `id, source_id, url, etag, last_modified, title, interval_ms, hint_ttl_ms, next_poll_at,
	last_poll_at, last_new_at, last_status, last_error, failures, total_polls, total_errors`

func scanFeed(r scanner) (crosswire.Feed, error) {
	var (
		f                   crosswire.Feed
		interval, hint      int64
		next, last, lastNew sql.NullInt64
	)
	err := r.Scan(&f.ID, &f.SourceID, &f.URL, &f.ETag, &f.LastModified, &f.Title, &interval, &hint, &next,
		&last, &lastNew, &f.LastStatus, &f.LastError, &f.Failures, &f.TotalPolls, &f.TotalErrors)
	f.Interval, f.HintTTL = fromDurationMS(interval), fromDurationMS(hint)
	f.NextPollAt, f.LastPollAt, f.LastNewAt = fromMS(next), fromMS(last), fromMS(lastNew)
	return f, err
}

func scanFeeds(rows *sql.Rows) ([]crosswire.Feed, error) {
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
		return fmt.Errorf("sqlite: put feed of source %d: empty URL", f.SourceID)
	}
	// DO UPDATE with a no-op assignment rather than DO NOTHING, so that
	// RETURNING yields the existing row's id too.
	err := s.write.QueryRowContext(ctx, `INSERT INTO feeds (source_id, url, etag, last_modified, title,
			interval_ms, hint_ttl_ms, next_poll_at, last_poll_at, last_new_at, last_status, last_error,
			failures, total_polls, total_errors)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source_id, url) DO UPDATE SET url = feeds.url
		RETURNING id`,
		f.SourceID, f.URL, f.ETag, f.LastModified, f.Title, durationMS(f.Interval), durationMS(f.HintTTL),
		ms(f.NextPollAt), ms(f.LastPollAt), ms(f.LastNewAt), f.LastStatus, f.LastError, f.Failures,
		f.TotalPolls, f.TotalErrors,
	).Scan(&f.ID)
	if isForeignKey(err) {
		err = fmt.Errorf("source %d: %w", f.SourceID, crosswire.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sqlite: put feed %s: %w", f.URL, err)
	}
	return nil
}

func (s *Store) FeedByID(ctx context.Context, id int64) (crosswire.Feed, error) {
	f, err := scanFeed(s.read.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("sqlite: feed %d: %w", id, err)
	}
	return f, nil
}

// Feeds lists a source's feeds (0: every source's) in the order they were
// added.
func (s *Store) Feeds(ctx context.Context, sourceID int64) ([]crosswire.Feed, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if sourceID == 0 {
		rows, err = s.read.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
	} else {
		rows, err = s.read.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE source_id = ? ORDER BY id`, sourceID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds of source %d: %w", sourceID, err)
	}
	out, err := scanFeeds(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds of source %d: %w", sourceID, err)
	}
	return out, nil
}

// SaveFeedState writes everything a poll learns about a feed. Moving it to
// a URL its source already has is ErrConflict.
func (s *Store) SaveFeedState(ctx context.Context, f crosswire.Feed) error {
	res, err := s.write.ExecContext(ctx, `UPDATE feeds SET url = ?, etag = ?, last_modified = ?, title = ?,
			interval_ms = ?, hint_ttl_ms = ?, next_poll_at = ?, last_poll_at = ?, last_new_at = ?,
			last_status = ?, last_error = ?, failures = ?, total_polls = ?, total_errors = ?
		WHERE id = ?`,
		f.URL, f.ETag, f.LastModified, f.Title, durationMS(f.Interval), durationMS(f.HintTTL),
		ms(f.NextPollAt), ms(f.LastPollAt), ms(f.LastNewAt), f.LastStatus, f.LastError, f.Failures,
		f.TotalPolls, f.TotalErrors, f.ID)
	if isUnique(err) {
		err = fmt.Errorf("url %s taken by another feed of source %d: %w", f.URL, f.SourceID, crosswire.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("sqlite: save feed %d state: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: save feed %d state: %w", f.ID, crosswire.ErrNotFound)
	}
	return nil
}

// DeleteFeed removes a feed; the articles first seen in it stay, with
// FeedID 0.
func (s *Store) DeleteFeed(ctx context.Context, id int64) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: delete feed %d: %w", id, err)
	}
	defer rollback(tx)
	var sourceID int64
	err = tx.QueryRowContext(ctx, `DELETE FROM feeds WHERE id = ? RETURNING source_id`, id).Scan(&sourceID)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete feed %d: %w", id, err)
	}
	// source_id first lets the per-source index find the rows.
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET feed_id = NULL WHERE source_id = ? AND feed_id = ?`, sourceID, id); err != nil {
		return fmt.Errorf("sqlite: delete feed %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: delete feed %d: %w", id, err)
	}
	return nil
}
