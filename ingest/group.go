package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"crosswire"
	"crosswire/story"
)

// Window is how far back the live grouper remembers articles. A story
// spans about two days; a longer memory only adds candidates.
const Window = 72 * time.Hour

// Grouping assigns newly stored articles to stories with the same grouper
// that `crosswire stories group` uses offline. It runs in one process at a
// time (the grouping job's, or `crosswire fetch`), after the polls:
// GroupPending reads what they stored in no story. The grouper's labels are
// either "s<storyID>" (stories loaded from the store) or the decimal ID of
// the story's first article (stories created since start).
type Grouping struct {
	mu      sync.Mutex
	g       *story.Grouper
	store   crosswire.Store
	now     func() time.Time
	slugs   map[int64]string // source ID → slug, for the grouper's items
	storyOf map[string]int64 // label → story ID, for stories created here
	loaded  bool             // the last Window of the archive is in g
}

// NewGrouping returns a Grouping over g. Before its first assignment it
// loads the last Window of archived articles into g, pinned to the stories
// they already belong to, so a restart continues the same stories; a poll
// round with nothing new never pays for that.
func NewGrouping(ctx context.Context, st crosswire.Store, g *story.Grouper, now func() time.Time) (*Grouping, error) {
	return &Grouping{g: g, store: st, now: now, slugs: map[int64]string{}, storyOf: map[string]int64{}}, nil
}

// load reads the recent archive into the grouper, oldest first as the
// articles arrived. Called with gr.mu held.
func (gr *Grouping) load(ctx context.Context) error {
	if gr.loaded {
		return nil
	}
	recent, err := gr.store.Articles(ctx, crosswire.ArticleQuery{Since: gr.now().Add(-Window)})
	if err != nil {
		return fmt.Errorf("load recent articles for grouping: %w", err)
	}
	for i := len(recent) - 1; i >= 0; i-- {
		a := recent[i]
		if a.StoryID == 0 {
			continue // not grouped yet: its own Assign will add it
		}
		item, err := gr.item(ctx, a)
		if err != nil {
			return err
		}
		gr.g.Pin(item, story.StoredLabel(a.StoryID))
	}
	gr.loaded = true
	return nil
}

func (gr *Grouping) item(ctx context.Context, a crosswire.Article) (story.Item, error) {
	slug, ok := gr.slugs[a.SourceID]
	if !ok {
		s, err := gr.store.SourceByID(ctx, a.SourceID)
		if err != nil {
			return story.Item{}, fmt.Errorf("source of article %d: %w", a.ID, err)
		}
		slug = s.Slug
		gr.slugs[a.SourceID] = slug
	}
	return story.ArticleItem(a, slug), nil
}

// groupBatch is how many articles GroupPending reads and stores at once.
const groupBatch = 500

// GroupPending assigns the articles in no story to stories, oldest first,
// in batches, until none is left or the deadline passes (zero: none), when
// more is true.
func (gr *Grouping) GroupPending(ctx context.Context, deadline time.Time) (n int, more bool, err error) {
	var after int64 // a cursor, so an article that stays ungrouped is read once
	for {
		batch, err := gr.store.UngroupedArticles(ctx, after, groupBatch)
		if err != nil {
			return n, false, fmt.Errorf("list ungrouped articles: %w", err)
		}
		if len(batch) == 0 {
			return n, false, nil
		}
		after = batch[len(batch)-1].ID
		run := make([]*crosswire.Article, len(batch))
		for i := range batch {
			run[i] = &batch[i]
		}
		if err := gr.Assign(ctx, run); err != nil {
			return n, false, err
		}
		n += len(run)
		if len(batch) < groupBatch {
			return n, false, nil
		}
		if !deadline.IsZero() && !gr.now().Before(deadline) {
			return n, true, nil
		}
	}
}

// Assign groups freshly created articles, in the order given, and records
// each decision with its score and shared terms, all in one store batch.
func (gr *Grouping) Assign(ctx context.Context, articles []*crosswire.Article) error {
	gr.mu.Lock()
	defer gr.mu.Unlock()
	if err := gr.load(ctx); err != nil {
		return err
	}
	now := gr.now()
	batch := make([]crosswire.StoryAssignment, len(articles))
	labels := make([]string, len(articles))
	opened := map[string]*crosswire.Story{} // stories this batch creates, by label
	for i, a := range articles {
		item, err := gr.item(ctx, *a)
		if err != nil {
			return err
		}
		d := gr.g.Add(item)
		labels[i] = d.Story
		batch[i] = crosswire.StoryAssignment{ArticleID: a.ID, Score: d.Score, Terms: d.Terms, AssignedAt: now}
		id, ok, err := gr.storedStory(ctx, d)
		if err != nil {
			return err
		}
		if ok {
			batch[i].StoryID = id
			continue
		}
		s := opened[d.Story]
		if s == nil {
			s = &crosswire.Story{Title: a.Title, FirstAt: a.DisplayTime(), LastAt: a.DisplayTime(), UpdatedAt: now}
			opened[d.Story] = s
		}
		batch[i].NewStory = s
	}
	err := gr.store.AssignArticles(ctx, batch)
	if errors.Is(err, crosswire.ErrNotFound) {
		err = gr.assignEach(ctx, batch, labels)
	}
	if err != nil {
		return fmt.Errorf("assign %d articles to stories: %w", len(batch), err)
	}
	for label, s := range opened {
		gr.storyOf[label] = s.ID
	}
	for i, a := range articles {
		a.StoryID = batch[i].StoryID
	}
	return nil
}

// assignEach stores a batch that failed for a missing story one assignment
// at a time. A story gone since the grouper last saw it (an operator merged
// it away, or a rebuild ran) is opened again under the same label, rather
// than failing every later article of it.
func (gr *Grouping) assignEach(ctx context.Context, batch []crosswire.StoryAssignment, labels []string) error {
	for i := range batch {
		as := &batch[i]
		if id, ok := gr.storyOf[labels[i]]; ok && as.NewStory == nil {
			as.StoryID = id // reopened earlier in this loop
		}
		err := gr.store.AssignArticles(ctx, batch[i:i+1])
		if errors.Is(err, crosswire.ErrNotFound) && as.NewStory == nil {
			a, aerr := gr.store.Article(ctx, as.ArticleID)
			if errors.Is(aerr, crosswire.ErrNotFound) {
				as.StoryID = 0 // deleted with its source meanwhile
				continue
			}
			if aerr != nil {
				return fmt.Errorf("article %d: %w", as.ArticleID, aerr)
			}
			as.NewStory = &crosswire.Story{Title: a.Title, FirstAt: a.DisplayTime(), LastAt: a.DisplayTime(), UpdatedAt: as.AssignedAt}
			err = gr.store.AssignArticles(ctx, batch[i:i+1])
		}
		if err != nil {
			return fmt.Errorf("article %d to story %d: %w", as.ArticleID, as.StoryID, err)
		}
		if as.NewStory != nil {
			gr.storyOf[labels[i]] = as.StoryID
		}
	}
	return nil
}

// storedStory maps a grouper decision to a stored story; ok is false for a
// story to be created.
func (gr *Grouping) storedStory(ctx context.Context, d story.Decision) (id int64, ok bool, err error) {
	if id, ok := gr.storyOf[d.Story]; ok {
		return id, true, nil
	}
	if id, ok := story.StoredID(d.Story); ok {
		return id, true, nil
	}
	if d.New {
		return 0, false, nil
	}
	// A story begun before this process started and not pinned: its first
	// article knows it.
	first, err := strconv.ParseInt(d.Story, 10, 64)
	if err != nil {
		return 0, false, nil
	}
	as, err := gr.store.Assignment(ctx, first)
	if errors.Is(err, crosswire.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("story of article %d: %w", first, err)
	}
	gr.storyOf[d.Story] = as.StoryID
	return as.StoryID, true, nil
}
