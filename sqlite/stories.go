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

const storyColumns = `id, title, first_at, last_at, articles, sources, updated_at`

func scanStory(r scanner) (crosswire.Story, error) {
	var (
		st                     crosswire.Story
		first, last, updatedAt sql.NullInt64
	)
	err := r.Scan(&st.ID, &st.Title, &first, &last, &st.Articles, &st.Sources, &updatedAt)
	st.FirstAt, st.LastAt, st.UpdatedAt = fromMS(first), fromMS(last), fromMS(updatedAt)
	return st, err
}

// CreateStory inserts a story with the given title, times and counts; the
// counts are recomputed from its articles on every assignment.
func (s *Store) CreateStory(ctx context.Context, st *crosswire.Story) error {
	if err := insertStory(ctx, s.write, st); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

func insertStory(ctx context.Context, q queryer, st *crosswire.Story) error {
	err := q.QueryRowContext(ctx, `INSERT INTO stories (title, first_at, last_at, articles, sources, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		st.Title, ms(st.FirstAt), ms(st.LastAt), st.Articles, st.Sources, ms(st.UpdatedAt)).Scan(&st.ID)
	if err != nil {
		return fmt.Errorf("create story %q: %w", st.Title, err)
	}
	return nil
}

// AssignArticles records the assignments in one transaction; see
// crosswire.StoryStore. Each story touched is recounted once, at the end.
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
			err = fmt.Errorf("sqlite: assign %d articles: %w", len(as), err)
		}
	}()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)

	for i := range as {
		if n := as[i].NewStory; n != nil && n.ID == 0 {
			if err := insertStory(ctx, tx, n); err != nil {
				return err
			}
			created = append(created, n)
		}
	}
	var (
		articleIDs, storyIDs []int64
		latest               time.Time
	)
	for i := range as {
		a := &as[i]
		if a.NewStory != nil {
			a.StoryID = a.NewStory.ID
		}
		articleIDs = append(articleIDs, a.ArticleID)
		storyIDs = append(storyIDs, a.StoryID)
		if a.AssignedAt.After(latest) {
			latest = a.AssignedAt
		}
	}
	// Each article's current story, and which stories exist: one query
	// each, whatever the batch's size.
	old := map[int64]sql.NullInt64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, story_id FROM articles WHERE id IN (SELECT value FROM json_each(?))`, idsJSON(articleIDs))
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			id    int64
			story sql.NullInt64
		)
		if err := rows.Scan(&id, &story); err != nil {
			rows.Close()
			return err
		}
		old[id] = story
	}
	if err := rows.Close(); err != nil {
		return err
	}
	found, err := queryIDs(ctx, tx, `SELECT id FROM stories WHERE id IN (SELECT value FROM json_each(?))`, idsJSON(storyIDs))
	if err != nil {
		return err
	}
	exists := map[int64]bool{}
	for _, id := range found {
		exists[id] = true
	}

	var touched []int64 // stories to recount, in first-touched order
	seen := map[int64]bool{}
	touch := func(id int64) {
		if !seen[id] {
			seen[id] = true
			touched = append(touched, id)
		}
	}
	for _, a := range as {
		prev, ok := old[a.ArticleID]
		if !ok {
			return fmt.Errorf("article %d: %w", a.ArticleID, crosswire.ErrNotFound)
		}
		if !exists[a.StoryID] {
			return fmt.Errorf("story %d: %w", a.StoryID, crosswire.ErrNotFound)
		}
		touch(a.StoryID)
		if prev.Valid {
			touch(prev.Int64)
		}
		// A later assignment of the same article moves it again.
		old[a.ArticleID] = sql.NullInt64{Int64: a.StoryID, Valid: true}
		terms, err := jsonList(a.Terms)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_assignments (article_id, story_id, score, terms, manual, assigned_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, score = excluded.score,
				terms = excluded.terms, manual = excluded.manual, assigned_at = excluded.assigned_at`,
			a.ArticleID, a.StoryID, a.Score, terms, boolInt(a.Manual), ms(a.AssignedAt)); err != nil {
			return fmt.Errorf("article %d to story %d: %w", a.ArticleID, a.StoryID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = ? WHERE id = ?`, a.StoryID, a.ArticleID); err != nil {
			return fmt.Errorf("article %d to story %d: %w", a.ArticleID, a.StoryID, err)
		}
	}
	for _, id := range touched {
		if err := refreshStory(ctx, tx, id, ms(latest)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// refreshStory recomputes a story's counts and times from its articles and
// deletes it if it has none left. updatedAt nil keeps UpdatedAt.
func refreshStory(ctx context.Context, q queryer, id int64, updatedAt any) error {
	res, err := q.ExecContext(ctx, `UPDATE stories SET (articles, sources, first_at, last_at) =
			(SELECT count(*), count(DISTINCT source_id), min(display_at), max(display_at)
			 FROM articles WHERE story_id = ?1),
			updated_at = coalesce(?2, updated_at)
		WHERE id = ?1`, id, updatedAt)
	if err != nil {
		return fmt.Errorf("refresh story %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM stories WHERE id = ? AND articles = 0`, id); err != nil {
		return fmt.Errorf("delete empty story %d: %w", id, err)
	}
	return nil
}

func (s *Store) Story(ctx context.Context, id int64) (crosswire.Story, error) {
	st, err := scanStory(s.read.QueryRowContext(ctx, `SELECT `+storyColumns+` FROM stories WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("sqlite: story %d: %w", id, err)
	}
	return st, nil
}

// Stories lists stories by LastAt, newest first (then highest ID). With
// SourceIDs, a story's counts and times are those of its articles from
// these sources, and only stories with such articles are listed.
func (s *Store) Stories(ctx context.Context, q crosswire.StoryQuery) ([]crosswire.Story, error) {
	var (
		query string
		args  []any
	)
	if q.SourceIDs == nil {
		var conds []string
		if q.MinSources > 0 {
			conds = append(conds, "sources >= ?")
			args = append(args, q.MinSources)
		}
		if q.MaxSources > 0 {
			conds = append(conds, "sources <= ?")
			args = append(args, q.MaxSources)
		}
		if !q.Since.IsZero() {
			conds = append(conds, "last_at >= ?")
			args = append(args, q.Since.UnixMilli())
		}
		query = `SELECT ` + storyColumns + ` FROM stories`
		if len(conds) > 0 {
			query += ` WHERE ` + strings.Join(conds, " AND ")
		}
		query += ` ORDER BY last_at DESC, id DESC`
	} else {
		if len(q.SourceIDs) == 0 {
			return nil, nil
		}
		args = int64Args(q.SourceIDs)
		conds := []string{"count(DISTINCT a.source_id) >= ?"}
		args = append(args, max(q.MinSources, 1))
		if q.MaxSources > 0 {
			conds = append(conds, "count(DISTINCT a.source_id) <= ?")
			args = append(args, q.MaxSources)
		}
		if !q.Since.IsZero() {
			conds = append(conds, "max(a.display_at) >= ?")
			args = append(args, q.Since.UnixMilli())
		}
		// The unary + sends the planner to the story index, which holds
		// only grouped articles, in story order, with their source: a
		// covering walk with no sort for the GROUP BY.
		query = `SELECT st.id, st.title, min(a.display_at), max(a.display_at) AS last, count(*),
				count(DISTINCT a.source_id), st.updated_at
			FROM articles a JOIN stories st ON st.id = a.story_id
			WHERE a.story_id IS NOT NULL AND +a.source_id IN (` + placeholders(len(q.SourceIDs)) + `)
			GROUP BY st.id
			HAVING ` + strings.Join(conds, " AND ") + `
			ORDER BY last DESC, st.id DESC`
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = -1
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, max(q.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list stories: %w", err)
	}
	defer rows.Close()
	var out []crosswire.Story
	for rows.Next() {
		st, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list stories: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list stories: %w", err)
	}
	return out, nil
}

func (s *Store) Assignment(ctx context.Context, articleID int64) (crosswire.StoryAssignment, error) {
	var (
		a        crosswire.StoryAssignment
		terms    string
		manual   int
		assigned sql.NullInt64
	)
	err := s.read.QueryRowContext(ctx, `SELECT article_id, story_id, score, terms, manual, assigned_at
		FROM story_assignments WHERE article_id = ?`, articleID).
		Scan(&a.ArticleID, &a.StoryID, &a.Score, &terms, &manual, &assigned)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("sqlite: story assignment of article %d: %w", articleID, err)
	}
	a.Manual, a.AssignedAt = manual != 0, fromMS(assigned)
	if a.Terms, err = parseList[string](terms); err != nil {
		return a, fmt.Errorf("sqlite: story assignment of article %d: terms: %w", articleID, err)
	}
	return a, nil
}

// ClearAutomaticAssignments drops every assignment an operator did not
// make, then every story without an assignment left; the stories that keep
// manual ones get their counts recomputed.
func (s *Store) ClearAutomaticAssignments(ctx context.Context) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: clear automatic story assignments: %w", err)
	}
	defer rollback(tx)
	for _, q := range []string{
		`UPDATE articles SET story_id = NULL
			WHERE id IN (SELECT article_id FROM story_assignments WHERE manual = 0)`,
		`DELETE FROM story_assignments WHERE manual = 0`,
		`DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_assignments)`,
		`UPDATE stories SET (articles, sources, first_at, last_at) =
			(SELECT count(*), count(DISTINCT source_id), min(display_at), max(display_at)
			 FROM articles WHERE story_id = stories.id)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: clear automatic story assignments: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: clear automatic story assignments: %w", err)
	}
	return nil
}
