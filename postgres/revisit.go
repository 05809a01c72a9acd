package postgres

import (
	"context"
	"fmt"

	"crosswire"
)

// RecordRevisit stores what one revisit found in one transaction. The row
// is locked and the count checked, so a revisit recorded twice (two
// workers on the same due list) is an ErrConflict instead of a duplicate
// revision.
func (s *Store) RecordRevisit(ctx context.Context, r crosswire.RevisitRecord) error {
	fail := func(err error) error {
		return fmt.Errorf("postgres: record revisit of article %d: %w", r.ArticleID, err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer rollback(ctx, tx)
	var revisions, revisits int
	err = tx.QueryRow(ctx, `SELECT revisions, revisits FROM articles WHERE id = $1 FOR UPDATE`, r.ArticleID).
		Scan(&revisions, &revisits)
	if err != nil {
		return fail(notFound(err))
	}
	if r.Revisits != revisits+1 {
		return fail(fmt.Errorf("revisit %d recorded, %d stored: %w", r.Revisits, revisits, crosswire.ErrConflict))
	}
	if rev := r.Revision; rev != nil {
		if rev.Origin == "" {
			rev.Origin = crosswire.OriginPage
		}
		if rev.FetchedAt.IsZero() {
			rev.FetchedAt = r.At
		}
		n := revisions + 1
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO revisions (article_id, n, title, summary, content, text, hash, origin,
				fetched_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			r.ArticleID, n, rev.Title, rev.Summary, rev.Content, rev.Text, rev.Hash, rev.Origin, ms(rev.FetchedAt)).Scan(&id)
		if err != nil {
			return fail(fmt.Errorf("insert revision %d: %w", n, err))
		}
		if _, err := tx.Exec(ctx, `UPDATE articles SET revisions = $1, changed_at = greatest(changed_at, $2) WHERE id = $3`,
			n, ms(rev.FetchedAt), r.ArticleID); err != nil {
			return fail(err)
		}
		rev.ID, rev.ArticleID, rev.N = id, r.ArticleID, n
	}
	if _, err := tx.Exec(ctx, `UPDATE articles
		SET page_hash = CASE WHEN $1 = '' THEN page_hash ELSE $1 END,
			last_seen_at = greatest(last_seen_at, coalesce($2, last_seen_at)),
			next_revisit_at = $3, revisits = $4
		WHERE id = $5`, r.PageHash, ts(r.At), ts(r.Next), r.Revisits, r.ArticleID); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	return nil
}
