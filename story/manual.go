package story

import (
	"context"
	"fmt"
	"slices"
	"time"

	"crosswire"
)

// The terms an operator's assignments are recorded with, in place of the
// shared terms of an automatic one. A rebuild seals the stories that hold
// a split (see Rebuild).
const (
	ManualMerge = "manual merge"
	ManualSplit = "manual split"
)

// ManualStore is what an operator's merge or split needs from the store.
type ManualStore interface {
	crosswire.ArticleStore
	crosswire.StoryStore
}

// Merge moves every article of the stories from into the story into. All
// articles of the merged story become manual assignments, its own included,
// so a later rebuild keeps them together.
func Merge(ctx context.Context, st ManualStore, into int64, from []int64, now time.Time) (moved int, err error) {
	if _, err := st.Story(ctx, into); err != nil {
		return 0, fmt.Errorf("merge into story %d: %w", into, err)
	}
	ids := []int64{into}
	for _, id := range from {
		if slices.Contains(ids, id) {
			continue
		}
		// Every story is checked before anything moves: an unknown ID
		// leaves the others as they were.
		if _, err := st.Story(ctx, id); err != nil {
			return 0, fmt.Errorf("merge story %d: %w", id, err)
		}
		ids = append(ids, id)
	}
	var batch []crosswire.StoryAssignment
	for _, id := range ids {
		arts, err := st.Articles(ctx, crosswire.ArticleQuery{StoryID: id})
		if err != nil {
			return 0, fmt.Errorf("merge story %d: %w", id, err)
		}
		if len(arts) == 0 {
			return 0, fmt.Errorf("merge story %d: %w", id, crosswire.ErrNotFound)
		}
		for _, a := range arts {
			batch = append(batch, crosswire.StoryAssignment{
				ArticleID: a.ID, StoryID: into, Score: 1, Terms: []string{ManualMerge}, Manual: true, AssignedAt: now,
			})
			if id != into {
				moved++
			}
		}
	}
	// One batch: a merge that fails half way leaves nothing moved.
	if err := st.AssignArticles(ctx, batch); err != nil {
		return 0, fmt.Errorf("merge into story %d: %w", into, err)
	}
	return moved, nil
}

// Split moves the given articles out of their stories into one new story,
// as manual assignments, and returns the new story's ID. A rebuild keeps
// the new story sealed: it holds what the operator put in it and nothing
// joins it automatically.
func Split(ctx context.Context, st ManualStore, articleIDs []int64, now time.Time) (int64, error) {
	if len(articleIDs) == 0 {
		return 0, fmt.Errorf("split: no articles given")
	}
	first, err := st.Article(ctx, articleIDs[0])
	if err != nil {
		return 0, fmt.Errorf("split article %d: %w", articleIDs[0], err)
	}
	s := &crosswire.Story{Title: first.Title, FirstAt: first.DisplayTime(), LastAt: first.DisplayTime(), UpdatedAt: now}
	batch := make([]crosswire.StoryAssignment, len(articleIDs))
	for i, id := range articleIDs {
		batch[i] = crosswire.StoryAssignment{
			ArticleID: id, NewStory: s, Score: 1, Terms: []string{ManualSplit}, Manual: true, AssignedAt: now,
		}
	}
	if err := st.AssignArticles(ctx, batch); err != nil {
		return 0, fmt.Errorf("split: %w", err)
	}
	return s.ID, nil
}
