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
// that `crosswire stories group` uses offline. The grouper's labels are
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

// Assign groups freshly created articles of one source and records each
// decision with its score and shared terms.
func (gr *Grouping) Assign(ctx context.Context, src crosswire.Source, articles []*crosswire.Article) error {
	gr.mu.Lock()
	defer gr.mu.Unlock()
	if err := gr.load(ctx); err != nil {
		return err
	}
	gr.slugs[src.ID] = src.Slug
	for _, a := range articles {
		item, err := gr.item(ctx, *a)
		if err != nil {
			return err
		}
		d := gr.g.Add(item)
		storyID, err := gr.storyID(ctx, d, a)
		if err != nil {
			return err
		}
		as := crosswire.StoryAssignment{ArticleID: a.ID, StoryID: storyID, Score: d.Score, Terms: d.Terms, AssignedAt: gr.now()}
		err = gr.store.AssignArticle(ctx, as)
		if errors.Is(err, crosswire.ErrNotFound) {
			// The story is gone since the grouper last saw it: an operator
			// merged it away (or a rebuild ran). Start a new story under
			// the same label rather than failing every later article.
			if as.StoryID, err = gr.create(ctx, d.Story, a); err == nil {
				err = gr.store.AssignArticle(ctx, as)
			}
		}
		if err != nil {
			return fmt.Errorf("assign article %d to story %d: %w", a.ID, as.StoryID, err)
		}
		a.StoryID = as.StoryID
	}
	return nil
}

// storyID maps a grouper decision to a stored story, creating it for a new one.
func (gr *Grouping) storyID(ctx context.Context, d story.Decision, a *crosswire.Article) (int64, error) {
	if id, ok := gr.storyOf[d.Story]; ok {
		return id, nil
	}
	if id, ok := story.StoredID(d.Story); ok {
		return id, nil
	}
	if !d.New {
		// A story begun before this process started and not pinned: its
		// first article knows it.
		first, err := strconv.ParseInt(d.Story, 10, 64)
		if err == nil {
			if as, err := gr.store.Assignment(ctx, first); err == nil {
				gr.storyOf[d.Story] = as.StoryID
				return as.StoryID, nil
			}
		}
	}
	return gr.create(ctx, d.Story, a)
}

// create stores a new story opened by a and maps the grouper's label to it.
func (gr *Grouping) create(ctx context.Context, label string, a *crosswire.Article) (int64, error) {
	s := crosswire.Story{Title: a.Title, FirstAt: a.DisplayTime(), LastAt: a.DisplayTime(), UpdatedAt: gr.now()}
	if err := gr.store.CreateStory(ctx, &s); err != nil {
		return 0, fmt.Errorf("create story: %w", err)
	}
	gr.storyOf[label] = s.ID
	return s.ID, nil
}
