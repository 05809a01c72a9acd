package postgres

import (
	"context"
	"fmt"

	"crosswire"
)

// ungroupedArticles picks the page from the partial index
// articles_ungrouped before joining the current revisions.
var ungroupedArticles = selectArticles(`(SELECT * FROM articles WHERE story_id IS NULL AND id > $1 ORDER BY id LIMIT $2) a`) +
	` ORDER BY a.id`

func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]crosswire.Article, error) {
	out, err := collectArticles(s.pool.Query(ctx, ungroupedArticles, afterID, limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: ungrouped articles: %w", err)
	}
	return out, nil
}
