package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const storyColumns = `id, title, first_at, last_at, articles, sources, updated_at`

func scanStory(r pgx.Row) (crosswire.Story, error) {
	var (
		st                     crosswire.Story
		first, last, updatedAt pgtype.Timestamptz
	)
	err := r.Scan(&st.ID, &st.Title, &first, &last, &st.Articles, &st.Sources, &updatedAt)
	st.FirstAt, st.LastAt, st.UpdatedAt = fromTS(first), fromTS(last), fromTS(updatedAt)
	return st, err
}

// CreateStory inserts a story with the given title, times and counts; the
// counts are recomputed from its articles on every assignment.
func (s *Store) CreateStory(ctx context.Context, st *crosswire.Story) error {
	err := s.pool.QueryRow(ctx, `INSERT INTO stories (title, first_at, last_at, articles, sources, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		st.Title, ts(st.FirstAt), ts(st.LastAt), st.Articles, st.Sources, ts(st.UpdatedAt)).Scan(&st.ID)
	if err != nil {
		return fmt.Errorf("postgres: create story %q: %w", st.Title, err)
	}
	return nil
}

const (
	// lockStoriesSQL takes the row locks of the stories about to be
	// recounted, in ID order. The count is then computed by a statement
	// that starts after any concurrent assignment to them has committed,
	// so it cannot miss it.
	lockStoriesSQL = `SELECT id FROM stories WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	// refreshStoriesSQL recomputes counts and times from the articles;
	// $2 NULL keeps UpdatedAt.
	refreshStoriesSQL = `UPDATE stories s SET (articles, sources, first_at, last_at) =
			(SELECT count(*), count(DISTINCT a.source_id), min(a.display_at), max(a.display_at)
			 FROM articles a WHERE a.story_id = s.id),
			updated_at = coalesce($2, s.updated_at)
		WHERE s.id = ANY($1)`
	deleteEmptyStoriesSQL = `DELETE FROM stories WHERE id = ANY($1) AND articles = 0`
)

// queueRecount queues the recount of stories already locked and the
// deletion of those left without articles.
func queueRecount(b *pgx.Batch, ids []int64, updatedAt any) {
	b.Queue(refreshStoriesSQL, ids, updatedAt)
	b.Queue(deleteEmptyStoriesSQL, ids)
}

// queueRefreshStories locks the stories and recounts them.
func queueRefreshStories(b *pgx.Batch, ids []int64, updatedAt any) {
	b.Queue(lockStoriesSQL, ids)
	queueRecount(b, ids, updatedAt)
}

// AssignArticles records the assignments in one transaction; see
// crosswire.StoryStore. However large the batch, it takes a fixed number
// of round trips: the grouping job stores hundreds of decisions at once.
func (s *Store) AssignArticles(ctx context.Context, as []crosswire.StoryAssignment) (err error) {
	if len(as) == 0 {
		return nil
	}
	var created []*crosswire.Story
	defer func() {
		if err != nil {
			// The inserts were rolled back: the caller's stories have no ID.
			for _, st := range created {
				st.ID = 0
			}
			err = fmt.Errorf("postgres: assign %d articles: %w", len(as), err)
		}
	}()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer rollback(ctx, tx)

	if created, err = insertNewStories(ctx, tx, as); err != nil {
		return err
	}
	// The later assignment of an article wins; the articles' rows are
	// locked in ID order, as every writer of stories takes them.
	last := map[int64]int{}
	var latest time.Time
	for i := range as {
		if as[i].NewStory != nil {
			as[i].StoryID = as[i].NewStory.ID
		}
		last[as[i].ArticleID] = i
		if as[i].AssignedAt.After(latest) {
			latest = as[i].AssignedAt
		}
	}
	articleIDs := slices.Sorted(maps.Keys(last))
	rows, err := tx.Query(ctx, `SELECT id, story_id FROM articles WHERE id = ANY($1) ORDER BY id FOR UPDATE`, articleIDs)
	if err != nil {
		return err
	}
	old := map[int64]pgtype.Int8{}
	var (
		id    int64
		story pgtype.Int8
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &story}, func() error { old[id] = story; return nil }); err != nil {
		return err
	}
	stories := map[int64]bool{}
	for _, a := range as {
		if _, ok := old[a.ArticleID]; !ok {
			return fmt.Errorf("article %d: %w", a.ArticleID, crosswire.ErrNotFound)
		}
		stories[a.StoryID] = true
	}
	for _, o := range old {
		if o.Valid {
			stories[o.Int64] = true
		}
	}
	storyIDs := slices.Sorted(maps.Keys(stories))
	locked, err := queryIDs(ctx, tx, lockStoriesSQL, storyIDs)
	if err != nil {
		return err
	}
	for _, a := range as {
		if _, ok := slices.BinarySearch(locked, a.StoryID); !ok {
			return fmt.Errorf("story %d: %w", a.StoryID, crosswire.ErrNotFound)
		}
	}

	n := len(articleIDs)
	var (
		storyOf = make([]int64, n)
		scores  = make([]float64, n)
		terms   = make([]string, n)
		manual  = make([]bool, n)
		at      = make([]pgtype.Timestamptz, n)
	)
	for k, id := range articleIDs {
		a := as[last[id]]
		storyOf[k], scores[k], manual[k], at[k] = a.StoryID, a.Score, a.Manual, tsValue(a.AssignedAt)
		if terms[k], err = jsonText(a.Terms); err != nil {
			return err
		}
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO story_assignments (article_id, story_id, score, terms, manual, assigned_at)
		SELECT u.a, u.s, u.sc, NULLIF(u.t, '')::jsonb, u.m, u.at
		FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::text[], $5::boolean[], $6::timestamptz[]) AS u(a, s, sc, t, m, at)
		ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, score = excluded.score,
			terms = excluded.terms, manual = excluded.manual, assigned_at = excluded.assigned_at`,
		articleIDs, storyOf, scores, terms, manual, at)
	b.Queue(`UPDATE articles a SET story_id = u.s FROM unnest($1::bigint[], $2::bigint[]) AS u(a, s) WHERE a.id = u.a`,
		articleIDs, storyOf)
	queueRecount(b, storyIDs, ts(latest))
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// insertNewStories creates the batch's new stories (each distinct one
// once) with IDs drawn from the table's identity sequence, so that one
// statement inserts them all and the IDs are known to match.
func insertNewStories(ctx context.Context, tx pgx.Tx, as []crosswire.StoryAssignment) ([]*crosswire.Story, error) {
	var fresh []*crosswire.Story
	for _, a := range as {
		if a.NewStory != nil && a.NewStory.ID == 0 && !slices.Contains(fresh, a.NewStory) {
			fresh = append(fresh, a.NewStory)
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	ids, err := queryIDs(ctx, tx, `SELECT nextval(pg_get_serial_sequence('stories', 'id')) FROM generate_series(1, $1)`, len(fresh))
	if err != nil {
		return nil, fmt.Errorf("new story IDs: %w", err)
	}
	n := len(fresh)
	var (
		titles         = make([]string, n)
		first, last, u = make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
		arts, srcs     = make([]int32, n), make([]int32, n)
	)
	for i, st := range fresh {
		titles[i], arts[i], srcs[i] = st.Title, int32(st.Articles), int32(st.Sources)
		first[i], last[i], u[i] = tsValue(st.FirstAt), tsValue(st.LastAt), tsValue(st.UpdatedAt)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO stories (id, title, first_at, last_at, articles, sources, updated_at)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::integer[], $6::integer[], $7::timestamptz[])`,
		ids, titles, first, last, arts, srcs, u); err != nil {
		return nil, fmt.Errorf("create %d stories: %w", n, err)
	}
	for i, st := range fresh {
		st.ID = ids[i]
	}
	return fresh, nil
}

func (s *Store) Story(ctx context.Context, id int64) (crosswire.Story, error) {
	st, err := scanStory(s.pool.QueryRow(ctx, `SELECT `+storyColumns+` FROM stories WHERE id = $1`, id))
	if err != nil {
		return st, fmt.Errorf("postgres: story %d: %w", id, notFound(err))
	}
	return st, nil
}

// Stories lists stories by LastAt, newest first (then highest ID). With
// SourceIDs, a story's counts and times are those of its articles from
// these sources, and only stories with such articles are listed.
func (s *Store) Stories(ctx context.Context, q crosswire.StoryQuery) ([]crosswire.Story, error) {
	if matchesNothing(q.SourceIDs) {
		return nil, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var query string
	if q.SourceIDs == nil {
		var conds []string
		if q.MinSources > 0 {
			conds = append(conds, "sources >= "+arg(q.MinSources))
		}
		if q.MaxSources > 0 {
			conds = append(conds, "sources <= "+arg(q.MaxSources))
		}
		if !q.Since.IsZero() {
			conds = append(conds, "last_at >= "+arg(ms(q.Since)))
		}
		query = `SELECT ` + storyColumns + ` FROM stories`
		if len(conds) > 0 {
			query += ` WHERE ` + strings.Join(conds, " AND ")
		}
		query += ` ORDER BY last_at DESC NULLS LAST, id DESC`
	} else {
		sources := arg(q.SourceIDs)
		conds := []string{"count(DISTINCT a.source_id) >= " + arg(max(q.MinSources, 1))}
		if q.MaxSources > 0 {
			conds = append(conds, "count(DISTINCT a.source_id) <= "+arg(q.MaxSources))
		}
		if !q.Since.IsZero() {
			conds = append(conds, "max(a.display_at) >= "+arg(ms(q.Since)))
		}
		query = `SELECT st.id, st.title, min(a.display_at), max(a.display_at) AS last, count(*),
				count(DISTINCT a.source_id), st.updated_at
			FROM articles a JOIN stories st ON st.id = a.story_id
			WHERE a.story_id IS NOT NULL AND a.source_id = ANY(` + sources + `)
			GROUP BY st.id
			HAVING ` + strings.Join(conds, " AND ") + `
			ORDER BY last DESC, st.id DESC`
	}
	if q.Limit > 0 || q.Offset > 0 {
		var limit any
		if q.Limit > 0 {
			limit = q.Limit
		}
		query += ` LIMIT ` + arg(limit) + ` OFFSET ` + arg(max(q.Offset, 0))
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list stories: %w", err)
	}
	defer rows.Close()
	var out []crosswire.Story
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list stories: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list stories: %w", err)
	}
	return out, nil
}

func (s *Store) Assignment(ctx context.Context, articleID int64) (crosswire.StoryAssignment, error) {
	var (
		a        crosswire.StoryAssignment
		terms    []byte
		assigned pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, `SELECT article_id, story_id, score, terms, manual, assigned_at
		FROM story_assignments WHERE article_id = $1`, articleID).
		Scan(&a.ArticleID, &a.StoryID, &a.Score, &terms, &a.Manual, &assigned)
	if err != nil {
		return a, fmt.Errorf("postgres: story assignment of article %d: %w", articleID, notFound(err))
	}
	a.AssignedAt = fromTS(assigned)
	if a.Terms, err = parseList[string](terms); err != nil {
		return a, fmt.Errorf("postgres: story assignment of article %d: terms: %w", articleID, err)
	}
	return a, nil
}

// ClearAutomaticAssignments drops every assignment an operator did not
// make, then every story without an assignment left; the stories that keep
// manual ones get their counts recomputed. It locks the stories table
// against concurrent assignments for its duration.
func (s *Store) ClearAutomaticAssignments(ctx context.Context) error {
	fail := func(err error) error { return fmt.Errorf("postgres: clear automatic story assignments: %w", err) }
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer rollback(ctx, tx)
	b := &pgx.Batch{}
	b.Queue(`LOCK TABLE stories IN SHARE ROW EXCLUSIVE MODE`)
	b.Queue(`UPDATE articles SET story_id = NULL
		WHERE id IN (SELECT article_id FROM story_assignments WHERE NOT manual)`)
	b.Queue(`DELETE FROM story_assignments WHERE NOT manual`)
	b.Queue(`DELETE FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_assignments sa WHERE sa.story_id = s.id)`)
	b.Queue(`UPDATE stories s SET (articles, sources, first_at, last_at) =
		(SELECT count(*), count(DISTINCT a.source_id), min(a.display_at), max(a.display_at)
		 FROM articles a WHERE a.story_id = s.id)`)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}
