package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UngroupedArticles reads the partial index articles_ungrouped.
func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM articles WHERE story_id IS NULL AND id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err == nil {
		var ids []int64
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err == nil {
			return ids, nil
		}
	}
	return nil, fmt.Errorf("postgres: ungrouped articles: %w", err)
}
