package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"crosswire"
)

// UngroupedArticles reads the partial index articles_ungrouped, then the
// current revisions' title and text only: the bodies stay on disk.
func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]crosswire.Article, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.source_id, r.title, r.text, a.language, a.published_at, a.first_seen_at
		FROM (SELECT * FROM articles WHERE story_id IS NULL AND id > ? ORDER BY id LIMIT ?) a
		JOIN revisions r ON r.article_id = a.id AND r.n = a.revisions
		ORDER BY a.id`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: ungrouped articles: %w", err)
	}
	defer rows.Close()
	var out []crosswire.Article
	for rows.Next() {
		var (
			a         crosswire.Article
			published sql.NullInt64
			firstSeen int64
		)
		if err := rows.Scan(&a.ID, &a.SourceID, &a.Title, &a.Text, &a.Language, &published, &firstSeen); err != nil {
			return nil, fmt.Errorf("sqlite: ungrouped articles: %w", err)
		}
		a.PublishedAt, a.FirstSeenAt = fromMS(published), time.UnixMilli(firstSeen).UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: ungrouped articles: %w", err)
	}
	return out, nil
}
