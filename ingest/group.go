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
	slugs   map[int64]string            // source ID → slug, for the grouper's items
	storyOf map[string]int64            // label → story ID, for stories created here
	opened  map[string]*crosswire.Story // label → story to create, decided and not yet stored
	loaded  bool                        // the last Window of the archive is in g
}

// NewGrouping returns a Grouping over g. Before its first assignment it
// loads the last Window of archived articles into g, pinned to the stories
// they already belong to, so a restart continues the same stories; a poll
// round with nothing new never pays for that.
func NewGrouping(ctx context.Context, st crosswire.Store, g *story.Grouper, now func() time.Time) (*Grouping, error) {
	return &Grouping{g: g, store: st, now: now, slugs: map[int64]string{}, storyOf: map[string]int64{}, opened: map[string]*crosswire.Story{}}, nil
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
// more is true. A batch is stored while the grouper decides the next: the
// grouper is the hub's one serial stage, so it should not wait for the
// database.
func (gr *Grouping) GroupPending(ctx context.Context, deadline time.Time) (n int, more bool, err error) {
	var writing chan error // the previous batch's store, if any
	wait := func() error {
		if writing == nil {
			return nil
		}
		err := <-writing
		writing = nil
		return err
	}
	defer func() {
		if werr := wait(); err == nil {
			err = werr
		}
	}()
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
		d, err := gr.decide(ctx, run)
		if err != nil {
			return n, false, err
		}
		if err := wait(); err != nil {
			return n, false, err
		}
		done := make(chan error, 1)
		go func() { done <- gr.save(ctx, d) }()
		writing = done
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
	d, err := gr.decide(ctx, articles)
	if err != nil {
		return err
	}
	return gr.save(ctx, d)
}

// decisions are a batch's assignments, decided and not yet stored.
type decisions struct {
	articles []*crosswire.Article
	batch    []crosswire.StoryAssignment
	labels   []string // the grouper's label of each assignment's story
}

// decide runs a batch through the grouper and maps its labels to stored
// stories, or to stories to create (gr.opened, shared with batches not yet
// stored, which create them).
func (gr *Grouping) decide(ctx context.Context, articles []*crosswire.Article) (*decisions, error) {
	gr.mu.Lock()
	defer gr.mu.Unlock()
	if err := gr.load(ctx); err != nil {
		return nil, err
	}
	now := gr.now()
	d := &decisions{articles: articles, batch: make([]crosswire.StoryAssignment, len(articles)), labels: make([]string, len(articles))}
	for i, a := range articles {
		item, err := gr.item(ctx, *a)
		if err != nil {
			return nil, err
		}
		dec := gr.g.Add(item)
		d.labels[i] = dec.Story
		d.batch[i] = crosswire.StoryAssignment{ArticleID: a.ID, Score: dec.Score, Terms: dec.Terms, AssignedAt: now}
		if s := gr.opened[dec.Story]; s != nil {
			d.batch[i].NewStory = s // opened by a batch not stored yet
			continue
		}
		id, ok, err := gr.storedStory(ctx, dec)
		if err != nil {
			return nil, err
		}
		if ok {
			d.batch[i].StoryID = id
			continue
		}
		s := &crosswire.Story{Title: a.Title, FirstAt: a.DisplayTime(), LastAt: a.DisplayTime(), UpdatedAt: now}
		gr.opened[dec.Story] = s
		d.batch[i].NewStory = s
	}
	return d, nil
}

// save stores decided assignments. Batches are saved in the order they
// were decided, one at a time.
func (gr *Grouping) save(ctx context.Context, d *decisions) error {
	err := gr.store.AssignArticles(ctx, d.batch)
	if errors.Is(err, crosswire.ErrNotFound) {
		err = gr.assignEach(ctx, d.batch, d.labels)
	}
	if err != nil {
		// The batch's articles stay in no story: the next GroupPending
		// reads them again. Its new stories have no ID, and a later
		// batch that shares one creates it.
		return fmt.Errorf("assign %d articles to stories: %w", len(d.batch), err)
	}
	gr.mu.Lock()
	defer gr.mu.Unlock()
	for i, as := range d.batch {
		d.articles[i].StoryID = as.StoryID
		if s := as.NewStory; s != nil && gr.opened[d.labels[i]] == s {
			gr.storyOf[d.labels[i]] = s.ID
			delete(gr.opened, d.labels[i])
		}
	}
	return nil
}

// assignEach stores a batch that failed for a missing story one assignment
// at a time. A story gone since the grouper last saw it was merged away by
// an operator (or a rebuild ran): the article follows the story's earlier
// articles to where they are now, and when none can be found, the story is
// opened again under the same label, rather than failing every later
// article of it.
func (gr *Grouping) assignEach(ctx context.Context, batch []crosswire.StoryAssignment, labels []string) error {
	for i := range batch {
		as := &batch[i]
		if as.NewStory == nil {
			gr.mu.Lock()
			id, ok := gr.storyOf[labels[i]]
			gr.mu.Unlock()
			if ok {
				as.StoryID = id // found earlier in this loop
			}
		}
		err := gr.store.AssignArticles(ctx, batch[i:i+1])
		if errors.Is(err, crosswire.ErrNotFound) && as.NewStory == nil {
			if id, ok := gr.mergedInto(ctx, labels[i], as.ArticleID); ok {
				as.StoryID = id
				if err = gr.store.AssignArticles(ctx, batch[i:i+1]); err == nil {
					gr.mu.Lock()
					gr.storyOf[labels[i]] = id
					gr.mu.Unlock()
					continue
				}
			}
		}
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
			gr.mu.Lock()
			gr.storyOf[labels[i]] = as.StoryID
			gr.mu.Unlock()
		}
	}
	return nil
}

// mergedInto finds where the earlier articles of the grouper's story went:
// the stored story of the first of them (at most a few looked up) that is
// in one. The article being assigned is not asked about.
func (gr *Grouping) mergedInto(ctx context.Context, label string, articleID int64) (int64, bool) {
	const tries = 5
	n := 0
	for _, m := range gr.g.Members(label) {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil || id == articleID {
			continue
		}
		if as, err := gr.store.Assignment(ctx, id); err == nil {
			return as.StoryID, true
		}
		if n++; n == tries {
			break
		}
	}
	return 0, false
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
