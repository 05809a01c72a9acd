package story

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"crosswire"
)

// RebuildStore is what a rebuild reads and writes.
type RebuildStore interface {
	crosswire.ArticleStore
	crosswire.StoryStore
	SourceByID(ctx context.Context, id int64) (crosswire.Source, error)
}

// RebuildOptions configure Rebuild.
type RebuildOptions struct {
	// Grouping are the grouper's settings; the zero value means the
	// defaults, which the live pipeline uses.
	Grouping Options
	// Page is how many articles are read at a time (default 1000).
	Page int
	Now  func() time.Time
	// Progress, if set, is called after each page is written, from one
	// goroutine at a time.
	Progress func(RebuildProgress)
}

// RebuildProgress counts a rebuild's work so far.
type RebuildProgress struct {
	Total   int // articles in the archive when the rebuild began
	Done    int // articles placed and written
	Manual  int // of which kept where an operator put them
	Stories int // stories created
}

// placed is one article's decision on its way to the store.
type placed struct {
	id     int64
	title  string
	at     time.Time
	d      Decision
	manual bool
}

// Rebuild regroups the whole archive, after a change of rules or
// thresholds, without losing operators' decisions. Automatic assignments
// and the stories left empty are cleared; the articles are then read
// oldest first and given to a fresh Grouper as the live pipeline gives
// them: an article an operator placed is pinned to its story (a story made
// by a split is sealed, so that nothing joins it automatically) and every
// other article is added, its decision stored with its score and terms,
// in a story created the way ingest.Grouping creates one. Stories keep
// the labels the live pipeline uses, so a pipeline started after the
// rebuild continues them.
//
// Ingestion should be stopped while the archive is rebuilt: the live
// grouper would assign new articles to stories the rebuild removes. A
// rebuild that fails part way leaves the rest of the archive in no story;
// running it again completes it.
func Rebuild(ctx context.Context, st RebuildStore, opt RebuildOptions) (RebuildProgress, error) {
	if opt.Page <= 0 {
		opt.Page = 1000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	var prog RebuildProgress
	if err := st.ClearAutomaticAssignments(ctx); err != nil {
		return prog, fmt.Errorf("rebuild: %w", err)
	}
	total, err := st.CountArticles(ctx, crosswire.ArticleQuery{})
	if err != nil {
		return prog, fmt.Errorf("rebuild: %w", err)
	}
	prog.Total = total

	// The store is written by a goroutine of its own, so that grouping
	// the next page overlaps the writes, which cost the most.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pages := make(chan []placed, 2)
	written := make(chan error, 1)
	w := &rebuildWriter{st: st, now: opt.Now, storyOf: map[string]int64{}, progress: opt.Progress, prog: prog}
	horizon := opt.Grouping.withDefaults()
	w.keep = horizon.Window + horizon.Lateness + time.Hour
	go func() {
		err := w.run(ctx, pages)
		if err != nil {
			cancel(err)
		}
		written <- err
	}()

	err = readArchive(ctx, st, opt, pages)
	close(pages)
	werr := <-written
	if err != nil && werr != nil && errors.Is(err, context.Canceled) {
		err = werr // the writer failed and stopped the reader
	}
	if err == nil {
		err = werr
	}
	if err != nil {
		return w.prog, fmt.Errorf("rebuild: %w", err)
	}
	return w.prog, nil
}

// readArchive walks the archive oldest first, groups each article and
// sends each page's decisions to the writer.
//
// Articles are listed newest first, so the oldest unread page is the last
// one after a cursor: the display time of the newest article read, and
// how many read articles have that very time (they come first among those
// at that time, as later ones get higher IDs). An article stored
// meanwhile with a newer time is read in its turn; one older than the
// cursor is left to the live pipeline.
func readArchive(ctx context.Context, st RebuildStore, opt RebuildOptions, pages chan<- []placed) error {
	g := NewGrouper(opt.Grouping)
	slugs := map[int64]string{}
	var (
		since  time.Time // the cursor's time; zero before the first page
		lastID int64     // the last article read at that time
		tied   int       // articles read at that time
	)
	for {
		arts, err := nextPage(ctx, st, since, tied, opt.Page)
		if err != nil {
			return err
		}
		if len(arts) == 0 {
			return nil
		}
		batch := make([]placed, 0, len(arts))
		for _, a := range slices.Backward(arts) {
			at := a.DisplayTime()
			if !since.IsZero() && (at.Before(since) || at.Equal(since) && a.ID <= lastID) {
				continue // read already (an article was removed meanwhile)
			}
			if at.Equal(since) {
				tied++
			} else {
				since, tied = at, 1
			}
			lastID = a.ID
			slug, ok := slugs[a.SourceID]
			if !ok {
				src, err := st.SourceByID(ctx, a.SourceID)
				if err != nil {
					return fmt.Errorf("source of article %d: %w", a.ID, err)
				}
				slug = src.Slug
				slugs[a.SourceID] = slug
			}
			it := ArticleItem(a, slug)
			p := placed{id: a.ID, title: a.Title, at: at}
			if a.StoryID != 0 {
				// Only an operator's assignments survived the clearing.
				label := StoredLabel(a.StoryID)
				p.d, p.manual = g.Pin(it, label), true
				split, err := isSplit(ctx, st, a.ID)
				if err != nil {
					return err
				}
				if split {
					// A split story keeps exactly what the operator put
					// in it.
					g.Seal(label)
				}
			} else {
				p.d = g.Add(it)
			}
			batch = append(batch, p)
		}
		if len(batch) == 0 {
			return fmt.Errorf("no progress reading the archive after %s", since.Format(time.RFC3339Nano))
		}
		select {
		case pages <- batch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// nextPage reads the oldest page of articles at or after since, leaving
// out the first tied ones at since. The page is read again if the count of
// articles moved while it was read.
func nextPage(ctx context.Context, st RebuildStore, since time.Time, tied, page int) ([]crosswire.Article, error) {
	q := crosswire.ArticleQuery{Since: since}
	for {
		n, err := st.CountArticles(ctx, q)
		if err != nil {
			return nil, err
		}
		q.Offset = max(0, n-tied-page)
		q.Limit = n - tied - q.Offset
		if q.Limit <= 0 {
			return nil, nil
		}
		arts, err := st.Articles(ctx, q)
		if err != nil {
			return nil, err
		}
		again, err := st.CountArticles(ctx, crosswire.ArticleQuery{Since: since})
		if err != nil {
			return nil, err
		}
		if again == n {
			return arts, nil
		}
	}
}

// isSplit reports whether an article was put in its story by an
// operator's split.
func isSplit(ctx context.Context, st RebuildStore, articleID int64) (bool, error) {
	as, err := st.Assignment(ctx, articleID)
	if errors.Is(err, crosswire.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return as.Manual && slices.Contains(as.Terms, ManualSplit), nil
}

// rebuildWriter stores decisions: it owns the map from the grouper's
// labels to the stories created for them.
type rebuildWriter struct {
	st       RebuildStore
	now      func() time.Time
	progress func(RebuildProgress)
	prog     RebuildProgress

	storyOf map[string]int64
	// opened lists the labels in storyOf by the time of their story's
	// first article, so that labels the grouper can no longer use (it
	// forgets a story Window+Lateness after it began) are dropped and the
	// map stays as small as the window.
	opened queue[openedLabel]
	keep   time.Duration
	newest time.Time
}

type openedLabel struct {
	label string
	at    time.Time
}

func (w *rebuildWriter) run(ctx context.Context, pages <-chan []placed) error {
	for batch := range pages {
		if err := w.write(ctx, batch); err != nil {
			return err
		}
		w.forget()
		if w.progress != nil {
			w.progress(w.prog)
		}
	}
	return nil
}

// write stores a page of decisions in one batch, with the stories its new
// labels open.
func (w *rebuildWriter) write(ctx context.Context, page []placed) error {
	var (
		batch  []crosswire.StoryAssignment
		opened = map[string]*crosswire.Story{}
		order  []openedLabel
	)
	for _, p := range page {
		w.prog.Done++
		if p.at.After(w.newest) {
			w.newest = p.at
		}
		if p.manual {
			w.prog.Manual++
			continue
		}
		as := crosswire.StoryAssignment{ArticleID: p.id, Score: p.d.Score, Terms: p.d.Terms, AssignedAt: w.now()}
		id, ok := StoredID(p.d.Story)
		if !ok {
			id, ok = w.storyOf[p.d.Story]
		}
		switch {
		case ok:
			as.StoryID = id
		case opened[p.d.Story] != nil:
			as.NewStory = opened[p.d.Story]
		default:
			as.NewStory = &crosswire.Story{Title: p.title, FirstAt: p.at, LastAt: p.at, UpdatedAt: w.now()}
			opened[p.d.Story] = as.NewStory
			order = append(order, openedLabel{p.d.Story, p.at})
			w.prog.Stories++
		}
		batch = append(batch, as)
	}
	if err := w.st.AssignArticles(ctx, batch); err != nil {
		return fmt.Errorf("store %d assignments: %w", len(batch), err)
	}
	for _, o := range order {
		w.storyOf[o.label] = opened[o.label].ID
		w.opened.push(o)
	}
	return nil
}

func (w *rebuildWriter) forget() {
	horizon := w.newest.Add(-w.keep)
	for {
		o, ok := w.opened.peek()
		if !ok || !o.at.Before(horizon) {
			return
		}
		w.opened.pop()
		delete(w.storyOf, o.label)
	}
}
