package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"crosswire"
)

// RecordRevisit stores what one revisit found in one transaction. The
// count check makes a revisit recorded twice (two processes working the
// same due list) an ErrConflict instead of a duplicate revision.
func (s *Store) RecordRevisit(ctx context.Context, r crosswire.RevisitRecord) error {
	fail := func(err error) error {
		return fmt.Errorf("sqlite: record revisit of article %d: %w", r.ArticleID, err)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer rollback(tx)
	var revisions, revisits int
	err = tx.QueryRowContext(ctx, `SELECT revisions, revisits FROM articles WHERE id = ?`, r.ArticleID).
		Scan(&revisions, &revisits)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return fail(err)
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
		res, err := tx.ExecContext(ctx, `INSERT INTO revisions (article_id, n, title, summary, content, text, hash,
				origin, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ArticleID, n, rev.Title, rev.Summary, rev.Content, rev.Text, rev.Hash, rev.Origin, rev.FetchedAt.UnixMilli())
		if err != nil {
			return fail(fmt.Errorf("insert revision %d: %w", n, err))
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fail(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET revisions = ?, changed_at = max(changed_at, ?) WHERE id = ?`,
			n, rev.FetchedAt.UnixMilli(), r.ArticleID); err != nil {
			return fail(err)
		}
		rev.ID, rev.ArticleID, rev.N = id, r.ArticleID, n
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles
		SET page_hash = CASE WHEN ?1 = '' THEN page_hash ELSE ?1 END,
			last_seen_at = max(last_seen_at, coalesce(?2, last_seen_at)),
			next_revisit_at = ?3, revisits = ?4
		WHERE id = ?5`, r.PageHash, ms(r.At), ms(r.Next), r.Revisits, r.ArticleID); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	return nil
}
