package sqlite

import (
	"context"
	"fmt"
)

// UngroupedArticles reads the partial index articles_ungrouped.
func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]int64, error) {
	ids, err := queryIDs(ctx, s.read, `SELECT id FROM articles WHERE story_id IS NULL AND id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: ungrouped articles: %w", err)
	}
	return ids, nil
}
