package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"crosswire"
	"crosswire/content"
	"crosswire/fetch"
)

// DefaultPageWorkers bounds the article pages one poll, or one RevisitDue
// call, fetches at once. The fetcher's per-host limit applies on top, and
// an outlet's pages share one host, so more would only queue there.
const DefaultPageWorkers = 4

// maxNoteLen bounds Article.ExtractNote: enough for the fetcher's or the
// extractor's reason with its URL.
const maxNoteLen = 300

func (p *Pipeline) pageWorkers() int {
	if p.PageWorkers > 0 {
		return p.PageWorkers
	}
	return DefaultPageWorkers
}

// pageJob is one article of a poll that needs its page or its images.
type pageJob struct {
	a        *crosswire.Article
	fullText bool
	mirror   bool
}

// prepare fetches the full text and mirrors the images of the poll's
// articles that need it, before they are stored. Only new articles and
// new versions are touched: an entry whose feed text is stored already
// would be Unchanged and store nothing. Failures are recorded on the
// article (ExtractNote) or logged (images); the article is always kept.
func (p *Pipeline) prepare(ctx context.Context, src crosswire.Source, clean *content.Cleaner, articles []*crosswire.Article) error {
	mirror := p.mirrors(src) && !p.MirrorLater
	var jobs []pageJob
	for _, a := range articles {
		full := isHTTP(a.URL) && content.TextNeedsFullText(src.FullText, a.Text)
		if !full && !mirror {
			continue
		}
		old, err := p.Store.ArticleByKey(ctx, src.ID, a.Key)
		switch {
		case err == nil && old.Hash == a.Hash:
			continue
		case err != nil && !errors.Is(err, crosswire.ErrNotFound):
			return fmt.Errorf("look up article %q of %s: %w", a.Key, src.Slug, err)
		}
		jobs = append(jobs, pageJob{a: a, fullText: full, mirror: mirror})
	}
	p.each(len(jobs), func(i int) {
		j := jobs[i]
		if j.fullText {
			p.fullText(ctx, src, clean, j.a)
		}
		if j.mirror {
			p.localize(ctx, src, j.a)
		}
	})
	// A poll cut short must not store what the cancellation did to its
	// articles (notes saying "context canceled"): it is made again.
	return ctx.Err()
}

// fullText replaces a's content with the text extracted from its page.
// The feed's text stays as the summary when the feed had no summary, so
// what the feed delivered is never lost; Hash still identifies it, so the
// next poll of the same feed text is Unchanged.
func (p *Pipeline) fullText(ctx context.Context, src crosswire.Source, clean *content.Cleaner, a *crosswire.Article) {
	ex, err := p.extractPage(ctx, clean, a.URL)
	if err == nil {
		err = fuller(ex, a.Text)
	}
	if err != nil {
		a.ExtractNote = note(err)
		if ctx.Err() == nil {
			p.Log.Info("full text not used", "source", src.Slug, "url", a.URL, "err", err)
		}
		return
	}
	if a.Summary == "" {
		a.Summary = a.Content
	}
	a.Content, a.Text = ex.HTML, ex.Text
	a.PageHash = pageHash(ex)
	a.ExtractNote = ""
	if a.Author == "" {
		a.Author = ex.Byline
	}
	if a.ImageURL == "" {
		a.ImageURL = ex.Image
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = ex.Published
	}
}

// fuller says why an extraction is not the better copy of a text the feed
// carried, if it is shorter: a paywall, a consent wall or a wrong guess of
// the body.
func fuller(ex content.Extraction, feedText string) error {
	got, had := utf8.RuneCountInString(ex.Text), utf8.RuneCountInString(feedText)
	if got < had*3/4 {
		return fmt.Errorf("page text shorter than the feed's (%d < %d characters)", got, had)
	}
	return nil
}

// extractPage fetches an article page through the pipeline's fetcher (its
// size cap, address guard, per-host limits) and extracts the article.
func (p *Pipeline) extractPage(ctx context.Context, clean *content.Cleaner, pageURL string) (content.Extraction, error) {
	resp, err := p.Fetcher.Get(ctx, fetch.Request{URL: pageURL, Accept: fetch.AcceptPages})
	if err != nil {
		return content.Extraction{}, err
	}
	return extract(clean, resp)
}

func extract(clean *content.Cleaner, resp *fetch.Response) (content.Extraction, error) {
	u, err := url.Parse(resp.URL)
	if err != nil {
		return content.Extraction{}, fmt.Errorf("page %s: %w", resp.URL, err)
	}
	ex, err := clean.Extract(resp.Body, u, resp.ContentType)
	if err != nil {
		return content.Extraction{}, fmt.Errorf("page %s: %w", resp.URL, err)
	}
	return ex, nil
}

// pageHash identifies an extraction by its plain text: markup that moves
// (image addresses, mirrored copies, class names) is not an edit.
func pageHash(ex content.Extraction) string {
	return digest("page", ex.Text)
}

// localize mirrors the images of a's content and summary and points them
// at the hub's copies. An image that cannot be mirrored keeps its address.
func (p *Pipeline) localize(ctx context.Context, src crosswire.Source, a *crosswire.Article) {
	for _, f := range []*string{&a.Content, &a.Summary} {
		out, err := p.Mirror.Localize(ctx, *f)
		*f = out
		if err != nil && ctx.Err() == nil {
			p.Log.Warn("images not mirrored", "source", src.Slug, "url", a.URL, "err", err)
		}
	}
}

// MirrorArticle mirrors the images of a stored article's current revision
// and points it at the hub's copies, in place (Store.SetRevisionHTML): the
// images a poll with MirrorLater left. An article superseded meanwhile by
// a newer revision, or of a source that no longer mirrors, is left alone.
func (p *Pipeline) MirrorArticle(ctx context.Context, id int64) error {
	a, err := p.Store.Article(ctx, id)
	if err != nil {
		return fmt.Errorf("mirror images of article %d: %w", id, err)
	}
	src, err := p.Store.SourceByID(ctx, a.SourceID)
	if err != nil {
		return fmt.Errorf("mirror images of article %d: source: %w", id, err)
	}
	if !p.mirrors(src) {
		return nil
	}
	summary, content := a.Summary, a.Content
	p.localize(ctx, src, &a)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if a.Summary == summary && a.Content == content {
		return nil
	}
	err = p.Store.SetRevisionHTML(ctx, id, a.Revisions, a.Summary, a.Content, p.Now())
	if errors.Is(err, crosswire.ErrConflict) {
		return nil
	}
	return err
}

// mirrors reports whether the pipeline mirrors the images of src.
func (p *Pipeline) mirrors(src crosswire.Source) bool { return src.MirrorMedia && p.Mirror != nil }

// hasImage reports whether an article's HTML has an image to mirror.
func hasImage(a *crosswire.Article) bool {
	return strings.Contains(a.Content, "<img") || strings.Contains(a.Summary, "<img")
}

// nextRevisit is the first of published + p.Revisits that lies after now;
// zero when none is left (or none are configured). Revisits missed while
// the hub was down are skipped rather than made late in a burst.
func (p *Pipeline) nextRevisit(published, now time.Time) time.Time {
	var next time.Time
	for _, d := range p.Revisits {
		if t := published.Add(d); t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// each calls fn(0..n-1) on at most pageWorkers goroutines and waits.
func (p *Pipeline) each(n int, fn func(i int)) {
	workers := min(p.pageWorkers(), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

func isHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func note(err error) string {
	s := err.Error()
	if len(s) <= maxNoteLen {
		return s
	}
	cut := maxNoteLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
