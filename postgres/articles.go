package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
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

var (
	articleByID  = selectArticles("articles a") + ` WHERE a.id = $1`
	articleByKey = selectArticles("articles a") + ` WHERE a.source_id = $1 AND a.key = $2`
)

func scanArticle(r pgx.Row) (crosswire.Article, error) {
	var (
		a                      crosswire.Article
		feedID, storyID        pgtype.Int8
		categories, enclosures []byte
		published, updated     pgtype.Timestamptz
		firstSeen, lastSeen    time.Time
		removed, nextRevisit   pgtype.Timestamptz
	)
	err := r.Scan(&a.ID, &a.SourceID, &feedID, &a.Key, &a.GUID, &a.URL, &a.Title, &a.Author, &categories,
		&a.Summary, &a.Content, &a.Text, &a.ImageURL, &enclosures, &a.Language, &published, &updated,
		&firstSeen, &lastSeen, &a.Hash, &a.Revisions, &removed, &nextRevisit, &a.Revisits, &a.ExtractNote,
		&storyID, &a.PageHash)
	if err != nil {
		return a, err
	}
	a.FeedID, a.StoryID = feedID.Int64, storyID.Int64
	a.PublishedAt, a.UpdatedAt = fromTS(published), fromTS(updated)
	a.FirstSeenAt, a.LastSeenAt = firstSeen.UTC(), lastSeen.UTC()
	a.RemovedAt, a.NextRevisitAt = fromTS(removed), fromTS(nextRevisit)
	if a.Categories, err = parseList[string](categories); err != nil {
		return a, fmt.Errorf("categories of article %d: %w", a.ID, err)
	}
	if a.Enclosures, err = parseList[crosswire.Enclosure](enclosures); err != nil {
		return a, fmt.Errorf("enclosures of article %d: %w", a.ID, err)
	}
	return a, nil
}

func collectArticles(rows pgx.Rows, err error) ([]crosswire.Article, error) {
	if err != nil {
		return nil, err
	}
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
	a, err := scanArticle(s.pool.QueryRow(ctx, articleByID, id))
	if err != nil {
		return a, fmt.Errorf("postgres: article %d: %w", id, notFound(err))
	}
	return a, nil
}

func (s *Store) ArticleByKey(ctx context.Context, sourceID int64, key string) (crosswire.Article, error) {
	a, err := scanArticle(s.pool.QueryRow(ctx, articleByKey, sourceID, key))
	if err != nil {
		return a, fmt.Errorf("postgres: article %q of source %d: %w", key, sourceID, notFound(err))
	}
	return a, nil
}

// articleFilter is the WHERE clause of an ArticleQuery, its parameters
// numbered from $1. none reports a query that cannot match (an empty,
// non-nil SourceIDs).
func articleFilter(q crosswire.ArticleQuery) (where string, args []any, none bool) {
	if matchesNothing(q.SourceIDs) {
		return "", nil, true
	}
	var conds []string
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch len(q.SourceIDs) {
	case 0:
	case 1:
		conds = append(conds, "a.source_id = "+arg(q.SourceIDs[0]))
	default:
		conds = append(conds, "a.source_id = ANY("+arg(q.SourceIDs)+")")
	}
	if q.StoryID != 0 {
		conds = append(conds, "a.story_id = "+arg(q.StoryID))
	}
	if !q.Since.IsZero() {
		conds = append(conds, "a.display_at >= "+arg(ms(q.Since)))
	}
	if len(conds) == 0 {
		return "", args, false
	}
	return " WHERE " + strings.Join(conds, " AND "), args, false
}

// listArticles is the query of an ArticleQuery: the page of article rows is
// chosen on an index first, then joined with the revisions it shows.
func listArticles(q crosswire.ArticleQuery) (query string, args []any, none bool) {
	where, args, none := articleFilter(q)
	var limit any
	if q.Limit > 0 {
		limit = q.Limit
	}
	args = append(args, limit, max(q.Offset, 0))
	const order = ` ORDER BY a.display_at DESC, a.id DESC`
	page := fmt.Sprintf(`(SELECT * FROM articles a%s%s LIMIT $%d OFFSET $%d) a`, where, order, len(args)-1, len(args))
	return selectArticles(page) + order, args, none
}

// Articles lists the articles q selects, newest DisplayTime first, then
// highest ID.
func (s *Store) Articles(ctx context.Context, q crosswire.ArticleQuery) ([]crosswire.Article, error) {
	query, args, none := listArticles(q)
	if none {
		return nil, nil
	}
	out, err := collectArticles(s.pool.Query(ctx, query, args...))
	if err != nil {
		return nil, fmt.Errorf("postgres: list articles: %w", err)
	}
	return out, nil
}

// CountArticles counts what Articles would list without Limit and Offset.
func (s *Store) CountArticles(ctx context.Context, q crosswire.ArticleQuery) (int, error) {
	where, args, none := articleFilter(q)
	if none {
		return 0, nil
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM articles a`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count articles: %w", err)
	}
	return n, nil
}

// Revisions lists an article's revisions, oldest first. An unknown article
// is ErrNotFound (an article always has at least one revision).
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]crosswire.Revision, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, article_id, n, title, summary, content, text, hash, origin,
			fetched_at
		FROM revisions WHERE article_id = $1 ORDER BY n`, articleID)
	if err != nil {
		return nil, fmt.Errorf("postgres: revisions of article %d: %w", articleID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crosswire.Revision, error) {
		var r crosswire.Revision
		err := row.Scan(&r.ID, &r.ArticleID, &r.N, &r.Title, &r.Summary, &r.Content, &r.Text, &r.Hash,
			&r.Origin, &r.FetchedAt)
		r.FetchedAt = r.FetchedAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: revisions of article %d: %w", articleID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("postgres: revisions of article %d: %w", articleID, crosswire.ErrNotFound)
	}
	return out, nil
}

func (s *Store) MarkRemoved(ctx context.Context, articleID int64, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE articles SET removed_at = $1 WHERE id = $2`, ts(at), articleID)
	return affectedOne(tag.RowsAffected(), err, "postgres: mark article %d removed: %w", articleID)
}

func (s *Store) SetRevisit(ctx context.Context, articleID int64, next time.Time, revisits int) error {
	tag, err := s.pool.Exec(ctx, `UPDATE articles SET next_revisit_at = $1, revisits = $2 WHERE id = $3`,
		ts(next), revisits, articleID)
	return affectedOne(tag.RowsAffected(), err, "postgres: set revisit of article %d: %w", articleID)
}

func (s *Store) SetRevisionHTML(ctx context.Context, articleID int64, n int, summary, content string, at time.Time) error {
	fail := func(err error) error {
		return fmt.Errorf("postgres: set html of article %d revision %d: %w", articleID, n, err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer rollback(ctx, tx)
	var current int
	if err := tx.QueryRow(ctx, `SELECT revisions FROM articles WHERE id = $1 FOR UPDATE`, articleID).Scan(&current); err != nil {
		return fail(notFound(err))
	}
	if current != n {
		return fail(fmt.Errorf("the current revision is %d: %w", current, crosswire.ErrConflict))
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE revisions SET summary = $1, content = $2 WHERE article_id = $3 AND n = $4`, summary, content, articleID, n)
	b.Queue(`UPDATE articles SET changed_at = greatest(changed_at, $1) WHERE id = $2`, ms(at), articleID)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// affectedOne turns an UPDATE of no row into ErrNotFound.
func affectedOne(n int64, err error, format string, id int64) error {
	if err != nil {
		return fmt.Errorf(format, id, err)
	}
	if n == 0 {
		return fmt.Errorf(format, id, crosswire.ErrNotFound)
	}
	return nil
}

// DueRevisits lists articles whose revisit is due at now, the longest
// waiting first. limit <= 0 lists all.
func (s *Store) DueRevisits(ctx context.Context, now time.Time, limit int) ([]crosswire.Article, error) {
	var lim any
	if limit > 0 {
		lim = limit
	}
	const order = ` ORDER BY a.next_revisit_at, a.id`
	out, err := collectArticles(s.pool.Query(ctx, selectArticles(`(SELECT * FROM articles a
		WHERE a.next_revisit_at IS NOT NULL AND a.next_revisit_at <= $1`+order+` LIMIT $2) a`)+order,
		ms(now), lim))
	if err != nil {
		return nil, fmt.Errorf("postgres: due revisits: %w", err)
	}
	return out, nil
}

// LastChange is the fetch time of the newest revision of the sources'
// articles (nil: all sources; none stored: the zero time). Each source's
// newest is one step down the (source_id, changed_at) index.
func (s *Store) LastChange(ctx context.Context, sourceIDs []int64) (time.Time, error) {
	if matchesNothing(sourceIDs) {
		return time.Time{}, nil
	}
	// All sources: one step down an index (the site asks on every
	// request). Some: one index step per source.
	query := `SELECT max(changed_at) FROM articles`
	var args []any
	if sourceIDs != nil {
		query = `SELECT max((SELECT max(a.changed_at) FROM articles a WHERE a.source_id = s.id)) FROM sources s`
		query += ` WHERE s.id = ANY($1)`
		args = append(args, sourceIDs)
	}
	var last pgtype.Timestamptz
	if err := s.pool.QueryRow(ctx, query, args...).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("postgres: last change: %w", err)
	}
	return fromTS(last), nil
}
