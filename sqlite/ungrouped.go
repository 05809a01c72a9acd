package sqlite

import (
	"context"
	"fmt"

	"crosswire"
)

// ungroupedArticles picks the page from the partial index
// articles_ungrouped before joining the current revisions.
var ungroupedArticles = selectArticles(`(SELECT * FROM articles WHERE story_id IS NULL AND id > ? ORDER BY id LIMIT ?) a`) +
	` ORDER BY a.id`

func (s *Store) UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]crosswire.Article, error) {
	rows, err := s.read.QueryContext(ctx, ungroupedArticles, afterID, limit)
	if err == nil {
		var out []crosswire.Article
		if out, err = scanArticles(rows); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("sqlite: ungrouped articles: %w", err)
}
