package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"crosswire"
)

// selectArticles reads articles with their current text, which is their
// newest revision's. from is "articles a" or a subquery that picks the page
// of articles first, so that only the listed ones are joined.
func selectArticles(from string) string {
	return `SELECT a.id, a.source_id, a.feed_id, a.key, a.guid, a.url, r.title, a.author, a.categories,
		r.summary, r.content, r.text, a.image_url, a.enclosures, a.language, a.published_at, a.updated_at,
		a.first_seen_at, a.last_seen_at, a.hash, a.revisions, a.removed_at, a.next_revisit_at, a.revisits,
		a.extract_note, a.story_id, a.page_hash
	FROM ` + from + ` JOIN revisions r ON r.article_id = a.id AND r.n = a.revisions`
}

// articleByID and articleByKey are the single-article reads.
var (
	articleByID  = selectArticles("articles a") + ` WHERE a.id = ?`
	articleByKey = selectArticles("articles a") + ` WHERE a.source_id = ? AND a.key = ?`
)

func scanArticle(r scanner) (crosswire.Article, error) {
	var (
		a                      crosswire.Article
		feedID, storyID        sql.NullInt64
		categories, enclosures string
		published, updated     sql.NullInt64
		firstSeen, lastSeen    int64
		removed, nextRevisit   sql.NullInt64
	)
	err := r.Scan(&a.ID, &a.SourceID, &feedID, &a.Key, &a.GUID, &a.URL, &a.Title, &a.Author, &categories,
		&a.Summary, &a.Content, &a.Text, &a.ImageURL, &enclosures, &a.Language, &published, &updated,
		&firstSeen, &lastSeen, &a.Hash, &a.Revisions, &removed, &nextRevisit, &a.Revisits, &a.ExtractNote,
		&storyID, &a.PageHash)
	if err != nil {
		return a, err
	}
	a.FeedID, a.StoryID = feedID.Int64, storyID.Int64
	a.PublishedAt, a.UpdatedAt = fromMS(published), fromMS(updated)
	a.FirstSeenAt, a.LastSeenAt = time.UnixMilli(firstSeen).UTC(), time.UnixMilli(lastSeen).UTC()
	a.RemovedAt, a.NextRevisitAt = fromMS(removed), fromMS(nextRevisit)
	if a.Categories, err = parseList[string](categories); err != nil {
		return a, fmt.Errorf("categories of article %d: %w", a.ID, err)
	}
	if a.Enclosures, err = parseList[crosswire.Enclosure](enclosures); err != nil {
		return a, fmt.Errorf("enclosures of article %d: %w", a.ID, err)
	}
	return a, nil
}

func scanArticles(rows *sql.Rows) ([]crosswire.Article, error) {
	defer rows.Close()
	var out []crosswire.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) Article(ctx context.Context, id int64) (crosswire.Article, error) {
	a, err := scanArticle(s.read.QueryRowContext(ctx, articleByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("sqlite: article %d: %w", id, err)
	}
	return a, nil
}

func (s *Store) ArticleByKey(ctx context.Context, sourceID int64, key string) (crosswire.Article, error) {
	a, err := scanArticle(s.read.QueryRowContext(ctx, articleByKey, sourceID, key))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("sqlite: article %q of source %d: %w", key, sourceID, err)
	}
	return a, nil
}

// articleFilter is the WHERE clause of an ArticleQuery. none reports a
// query that cannot match (an empty, non-nil SourceIDs). ordered says the
// rows will be walked newest first (a list, not a count).
func articleFilter(q crosswire.ArticleQuery, ordered bool) (where string, args []any, none bool) {
	var conds []string
	switch {
	case q.SourceIDs == nil:
	case len(q.SourceIDs) == 0:
		return "", nil, true
	case len(q.SourceIDs) == 1:
		conds = append(conds, "a.source_id = ?")
		args = append(args, q.SourceIDs[0])
	case ordered:
		// The unary + keeps the planner off the per-source index: for
		// several sources, walking the display-time index (which carries
		// source_id) until the page is full beats sorting every article of
		// those sources.
		conds = append(conds, "+a.source_id IN ("+placeholders(len(q.SourceIDs))+")")
		args = append(args, int64Args(q.SourceIDs)...)
	default:
		conds = append(conds, "a.source_id IN ("+placeholders(len(q.SourceIDs))+")")
		args = append(args, int64Args(q.SourceIDs)...)
	}
	if q.StoryID != 0 {
		conds = append(conds, "a.story_id = ?")
		args = append(args, q.StoryID)
	}
	if !q.Since.IsZero() {
		conds = append(conds, "a.display_at >= ?")
		args = append(args, q.Since.UnixMilli())
	}
	if len(conds) == 0 {
		return "", args, false
	}
	return " WHERE " + strings.Join(conds, " AND "), args, false
}

// listArticles is the query of an ArticleQuery: the page of article rows is
// chosen on the index first, then joined with the revisions it shows.
func listArticles(q crosswire.ArticleQuery) (query string, args []any, none bool) {
	where, args, none := articleFilter(q, true)
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	const order = ` ORDER BY a.display_at DESC, a.id DESC`
	query = selectArticles(`(SELECT * FROM articles a`+where+order+` LIMIT ? OFFSET ?) a`) + order
	return query, append(args, limit, max(q.Offset, 0)), none
}

// Articles lists the articles q selects, newest DisplayTime first, then
// highest ID.
func (s *Store) Articles(ctx context.Context, q crosswire.ArticleQuery) ([]crosswire.Article, error) {
	query, args, none := listArticles(q)
	if none {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list articles: %w", err)
	}
	out, err := scanArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list articles: %w", err)
	}
	return out, nil
}

// CountArticles counts what Articles would list without Limit and Offset.
func (s *Store) CountArticles(ctx context.Context, q crosswire.ArticleQuery) (int, error) {
	where, args, none := articleFilter(q, false)
	if none {
		return 0, nil
	}
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM articles a`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count articles: %w", err)
	}
	return n, nil
}

// Revisions lists an article's revisions, oldest first. An unknown article
// is ErrNotFound (an article always has at least one revision).
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]crosswire.Revision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, article_id, n, title, summary, content, text, hash, origin,
			fetched_at
		FROM revisions WHERE article_id = ? ORDER BY n`, articleID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: revisions of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []crosswire.Revision
	for rows.Next() {
		var (
			r       crosswire.Revision
			fetched int64
		)
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.N, &r.Title, &r.Summary, &r.Content, &r.Text, &r.Hash,
			&r.Origin, &fetched); err != nil {
			return nil, fmt.Errorf("sqlite: revisions of article %d: %w", articleID, err)
		}
		r.FetchedAt = time.UnixMilli(fetched).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: revisions of article %d: %w", articleID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sqlite: revisions of article %d: %w", articleID, crosswire.ErrNotFound)
	}
	return out, nil
}

func (s *Store) MarkRemoved(ctx context.Context, articleID int64, at time.Time) error {
	res, err := s.write.ExecContext(ctx, `UPDATE articles SET removed_at = ? WHERE id = ?`, ms(at), articleID)
	return affectedOne(res, err, "sqlite: mark article %d removed: %w", articleID)
}

func (s *Store) SetRevisit(ctx context.Context, articleID int64, next time.Time, revisits int) error {
	res, err := s.write.ExecContext(ctx, `UPDATE articles SET next_revisit_at = ?, revisits = ? WHERE id = ?`,
		ms(next), revisits, articleID)
	return affectedOne(res, err, "sqlite: set revisit of article %d: %w", articleID)
}

func (s *Store) SetRevisionHTML(ctx context.Context, articleID int64, n int, summary, content string, at time.Time) error {
	fail := func(err error) error {
		return fmt.Errorf("sqlite: set html of article %d revision %d: %w", articleID, n, err)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer rollback(tx)
	var current int
	err = tx.QueryRowContext(ctx, `SELECT revisions FROM articles WHERE id = ?`, articleID).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return fail(err)
	}
	if current != n {
		return fail(fmt.Errorf("the current revision is %d: %w", current, crosswire.ErrConflict))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE revisions SET summary = ?, content = ? WHERE article_id = ? AND n = ?`,
		summary, content, articleID, n); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET changed_at = max(changed_at, ?) WHERE id = ?`,
		at.UnixMilli(), articleID); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return nil
}

// affectedOne turns an UPDATE of no row into ErrNotFound.
func affectedOne(res sql.Result, err error, format string, id int64) error {
	if err != nil {
		return fmt.Errorf(format, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf(format, id, err)
	} else if n == 0 {
		return fmt.Errorf(format, id, crosswire.ErrNotFound)
	}
	return nil
}

// DueRevisits lists articles whose revisit is due at now, the longest
// waiting first. limit <= 0 lists all.
func (s *Store) DueRevisits(ctx context.Context, now time.Time, limit int) ([]crosswire.Article, error) {
	if limit <= 0 {
		limit = -1
	}
	const order = ` ORDER BY a.next_revisit_at, a.id`
	rows, err := s.read.QueryContext(ctx, selectArticles(`(SELECT * FROM articles a
		WHERE a.next_revisit_at IS NOT NULL AND a.next_revisit_at <= ?`+order+` LIMIT ?) a`)+order,
		now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: due revisits: %w", err)
	}
	out, err := scanArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: due revisits: %w", err)
	}
	return out, nil
}

// LastChange is the fetch time of the newest revision of the sources'
// articles (nil: all sources; none stored: the zero time). Each source's
// newest is one step down the (source_id, changed_at) index.
func (s *Store) LastChange(ctx context.Context, sourceIDs []int64) (time.Time, error) {
	if sourceIDs != nil && len(sourceIDs) == 0 {
		return time.Time{}, nil
	}
	// All sources: one step down an index (the site asks on every
	// request). Some: one index step per source.
	query := `SELECT max(changed_at) FROM articles`
	var args []any
	if sourceIDs != nil {
		query = `SELECT max((SELECT max(a.changed_at) FROM articles a WHERE a.source_id = s.id)) FROM sources s`
		query += ` WHERE s.id IN (` + placeholders(len(sourceIDs)) + `)`
		args = int64Args(sourceIDs)
	}
	var last sql.NullInt64
	if err := s.read.QueryRowContext(ctx, query, args...).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("sqlite: last change: %w", err)
	}
	return fromMS(last), nil
}
