package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"crosswire"
)

// UngroupedArticles reads the partial index articles_ungrouped, then the
// current revisions' title and text only: the bodies stay on disk.
func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]crosswire.Article, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.source_id, r.title, r.text, a.language, a.published_at, a.first_seen_at
		FROM (SELECT * FROM articles WHERE story_id IS NULL AND id > $1 ORDER BY id LIMIT $2) a
		JOIN revisions r ON r.article_id = a.id AND r.n = a.revisions
		ORDER BY a.id`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: ungrouped articles: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crosswire.Article, error) {
		var (
			a         crosswire.Article
			published pgtype.Timestamptz
			firstSeen time.Time
		)
		err := row.Scan(&a.ID, &a.SourceID, &a.Title, &a.Text, &a.Language, &published, &firstSeen)
		a.PublishedAt, a.FirstSeenAt = fromTS(published), firstSeen.UTC()
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: ungrouped articles: %w", err)
	}
	return out, nil
}
