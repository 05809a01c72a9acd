package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"crosswire"
	"crosswire/content"
	"crosswire/fetch"
)

// RevisitDue revisits the articles whose NextRevisitAt is at or before now
// (at most limit of them; <= 0: all), PageWorkers at a time, and returns
// how many it handled with their failures joined. A failed revisit still
// moves the article's schedule on, so calling RevisitDue again soon does
// not hammer a broken page; call it every minute or so. Two processes may
// run it at once: the store refuses a revisit recorded twice.
func (p *Pipeline) RevisitDue(ctx context.Context, now time.Time, limit int) (int, error) {
	due, err := p.Store.DueRevisits(ctx, now, limit)
	if err != nil {
		return 0, fmt.Errorf("due revisits: %w", err)
	}
	if len(due) == 0 {
		return 0, nil
	}
	sources := map[int64]*revisitSource{}
	for _, a := range due {
		if _, ok := sources[a.SourceID]; !ok {
			rs, err := p.revisitSource(ctx, a.SourceID)
			if err != nil {
				return 0, err
			}
			sources[a.SourceID] = rs
		}
	}
	errs := make([]error, len(due))
	p.each(len(due), func(i int) {
		a := due[i]
		errs[i] = p.revisit(ctx, sources[a.SourceID], a)
	})
	return len(due), errors.Join(errs...)
}

// Revisit fetches an article's page again (see RevisitDue):
//
//   - 404 or 410, or a redirect to the site's home page: the article is
//     marked removed at source (the hub keeps serving its copy);
//   - 200: a removal mark is cleared, the article is extracted, and a text
//     different from the last one read from the page is stored as a new
//     revision of origin "page", which becomes the current text. The first
//     revisit of an article whose text came from the feed only records the
//     page's text as the baseline: a feed's text and an extraction of the
//     page always differ a little, and that is not an edit. (Except for a
//     teaser whose full-text fetch failed at the poll: the page's text
//     then replaces it, as the poll would have.);
//   - any other failure: nothing but the schedule changes.
//
// Sources in full_text: never are only checked for removal. The next
// revisit is the next of Pipeline.Revisits after publication still ahead.
func (p *Pipeline) Revisit(ctx context.Context, a crosswire.Article) error {
	rs, err := p.revisitSource(ctx, a.SourceID)
	if err != nil {
		return err
	}
	return p.revisit(ctx, rs, a)
}

// revisitSource is a source with its compiled rules; clean is nil when the
// rules do not compile, and pages are then only checked for removal (an
// extraction with other rules than the stored text's would be a false
// edit).
type revisitSource struct {
	src   crosswire.Source
	clean *content.Cleaner
}

func (p *Pipeline) revisitSource(ctx context.Context, id int64) (*revisitSource, error) {
	src, err := p.Store.SourceByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("revisit: source %d: %w", id, err)
	}
	rs := &revisitSource{src: src}
	if src.FullText != crosswire.FullTextNever {
		if rs.clean, err = content.NewCleaner(src.Rules); err != nil {
			p.Log.Error("revisit: rules do not compile; pages only checked for removal", "source", src.Slug, "err", err)
		}
	}
	return rs, nil
}

func (p *Pipeline) revisit(ctx context.Context, rs *revisitSource, a crosswire.Article) error {
	src := rs.src
	now := p.Now()
	next := p.nextRevisit(a.DisplayTime(), now)
	if src.Paused || !isHTTP(a.URL) {
		// A paused source is not fetched; its schedule moves on so that
		// resuming it does not bring a burst of stale revisits.
		if !isHTTP(a.URL) {
			next = time.Time{}
		}
		if err := p.Store.SetRevisit(ctx, a.ID, next, a.Revisits); err != nil {
			return fmt.Errorf("revisit article %d: %w", a.ID, err)
		}
		return nil
	}
	rec := crosswire.RevisitRecord{ArticleID: a.ID, Next: next, Revisits: a.Revisits + 1}

	resp, err := p.Fetcher.Get(ctx, fetch.Request{URL: a.URL, Accept: fetch.AcceptPages})
	if err != nil {
		if ctx.Err() != nil {
			return err // shutting down: the revisit stays due
		}
		if !gone(err) {
			p.Log.Info("revisit failed", "article", a.ID, "url", a.URL, "err", err)
			return errors.Join(fmt.Errorf("revisit article %d: %w", a.ID, err), p.record(ctx, rec))
		}
		return p.markGone(ctx, a, rec, now)
	}
	if movedHome(a.URL, resp.URL) {
		return p.markGone(ctx, a, rec, now)
	}
	rec.At = now
	if !a.RemovedAt.IsZero() {
		if err := p.Store.MarkRemoved(ctx, a.ID, time.Time{}); err != nil {
			return fmt.Errorf("revisit article %d: clear removal: %w", a.ID, err)
		}
		p.Log.Info("article back at source", "article", a.ID, "url", a.URL)
	}
	if rs.clean == nil {
		return p.record(ctx, rec)
	}
	ex, err := extract(rs.clean, resp)
	if err != nil {
		// Not a removal and not an edit we can read: the next revisit
		// compares against the last good extraction.
		p.Log.Info("revisit: page not extracted", "article", a.ID, "err", err)
		return p.record(ctx, rec)
	}
	rec.PageHash = pageHash(ex)
	edited := a.PageHash != "" && a.PageHash != rec.PageHash
	// The poll wanted the page's text for a teaser and could not get it
	// (the page failed then): the revisit completes the copy.
	completes := a.PageHash == "" && a.ExtractNote != "" && content.TextNeedsFullText(src.FullText, a.Text) &&
		fuller(ex, a.Text) == nil
	if edited || completes {
		body := ex.HTML
		if p.mirrors(src) {
			edited := crosswire.Article{URL: a.URL, Content: body}
			p.localize(ctx, src, &edited)
			body = edited.Content
		}
		rec.Revision = &crosswire.Revision{
			Title: a.Title, Summary: a.Summary, Content: body, Text: ex.Text,
			Hash: rec.PageHash, Origin: crosswire.OriginPage, FetchedAt: now,
		}
	}
	if err := p.record(ctx, rec); err != nil {
		return err
	}
	if rec.Revision != nil {
		p.Log.Info("article edited at source", "article", a.ID, "url", a.URL, "revision", rec.Revision.N)
	}
	return nil
}

// markGone records that the original is gone; the copy stays.
func (p *Pipeline) markGone(ctx context.Context, a crosswire.Article, rec crosswire.RevisitRecord, now time.Time) error {
	if a.RemovedAt.IsZero() {
		if err := p.Store.MarkRemoved(ctx, a.ID, now); err != nil {
			return fmt.Errorf("revisit article %d: mark removed: %w", a.ID, err)
		}
		p.Log.Info("article removed at source", "article", a.ID, "url", a.URL)
	}
	return p.record(ctx, rec)
}

// record stores a revisit. A conflict means another process recorded this
// revisit already, which is not a failure.
func (p *Pipeline) record(ctx context.Context, rec crosswire.RevisitRecord) error {
	err := p.Store.RecordRevisit(ctx, rec)
	if errors.Is(err, crosswire.ErrConflict) {
		p.Log.Debug("revisit recorded by another process", "article", rec.ArticleID)
		return nil
	}
	return err
}

// gone reports an answer that says the page was removed.
func gone(err error) bool {
	var se *fetch.StatusError
	return errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusGone)
}

// movedHome reports a redirect from an article to its site's home page,
// which is how many outlets answer for an article they took down.
func movedHome(article, final string) bool {
	if final == "" || final == article {
		return false
	}
	a, errA := url.Parse(article)
	f, errF := url.Parse(final)
	if errA != nil || errF != nil {
		return false
	}
	home := (f.Path == "" || f.Path == "/") && f.RawQuery == ""
	return home && a.Path != "" && a.Path != "/"
}
