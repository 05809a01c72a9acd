// Package ingest is one feed poll end to end: fetch, parse, identify,
// sanitize, fetch the full text of teasers and mirror images (fulltext.go)
// and store. The poll job and `crosswire fetch` both call Poll, so the
// demo's local files and the web's feeds take the same path. Grouping
// (group.go) is the next stage: it reads what polls stored in no story.
// RevisitDue (revisit.go) fetches archived articles' pages again on a
// schedule after publication: silent edits become revisions, removed
// pages are marked.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"crosswire"
	"crosswire/content"
	"crosswire/feed"
	"crosswire/fetch"
	"crosswire/media"
)

// Fetcher is the part of fetch.Client that polling needs.
type Fetcher interface {
	Get(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Pipeline holds what a poll needs. It is safe for concurrent polls.
type Pipeline struct {
	Store   crosswire.Store
	Fetcher Fetcher
	Now     func() time.Time
	Log     *slog.Logger

	// Mirror mirrors the images of sources with MirrorMedia; nil: none
	// are mirrored.
	Mirror *media.Mirror
	// MirrorLater leaves the images to MirrorArticle (a job of their own)
	// instead of downloading them before the articles are stored: a poll
	// then lists the articles in Poll.ToMirror.
	MirrorLater bool
	// Revisits are the delays after publication at which an article's
	// page is fetched again (config polling.revisits); nil: never.
	Revisits []time.Duration
	// PageWorkers bounds the article pages fetched at once by one poll or
	// one RevisitDue call; default DefaultPageWorkers.
	PageWorkers int
}

// Poll is what one poll did, with the feed's state updated except for its
// schedule (the scheduler's policy decides that from Observed).
type Poll struct {
	Feed       crosswire.Feed
	Result     crosswire.PollResult
	RetryAfter time.Duration
	Published  []time.Time   // entries' publication times, for the adaptive interval
	Hint       time.Duration // the feed's own <ttl>/sy:updatePeriod
	// ToMirror lists the stored articles whose images MirrorArticle is to
	// mirror (with MirrorLater).
	ToMirror []int64
}

// Poll fetches one feed and stores what is new. A failure never touches
// stored articles: it is recorded on the feed (LastError, Failures) and
// returned in Result.Err.
func (p *Pipeline) Poll(ctx context.Context, f crosswire.Feed) Poll { return p.run(ctx, f, nil) }

// PollSource is Poll for a caller that has loaded the feed's source (the
// poll job, which checks it is not paused).
func (p *Pipeline) PollSource(ctx context.Context, src crosswire.Source, f crosswire.Feed) Poll {
	return p.run(ctx, f, &src)
}

// run is Poll; src is loaded when nil.
func (p *Pipeline) run(ctx context.Context, f crosswire.Feed, src *crosswire.Source) Poll {
	start := p.Now()
	out := Poll{Feed: f}
	out.Feed.LastPollAt = start
	out.Feed.TotalPolls++
	res := &out.Result
	res.FeedID, res.URL = f.ID, f.URL

	err := p.poll(ctx, &out, src)
	res.Duration = p.Now().Sub(start)
	if err != nil {
		res.Err = err
		out.Feed.LastError = err.Error()
		out.Feed.Failures++
		out.Feed.TotalErrors++
		return out
	}
	out.Feed.LastError = ""
	out.Feed.Failures = 0
	if res.New > 0 {
		out.Feed.LastNewAt = start
	}
	return out
}

func (p *Pipeline) poll(ctx context.Context, out *Poll, loaded *crosswire.Source) error {
	f := &out.Feed
	res := &out.Result
	if loaded == nil {
		s, err := p.Store.SourceByID(ctx, f.SourceID)
		if err != nil {
			return fmt.Errorf("load source of feed %d: %w", f.ID, err)
		}
		loaded = &s
	}
	src := *loaded
	resp, err := p.Fetcher.Get(ctx, fetch.Request{URL: f.URL, ETag: f.ETag, LastModified: f.LastModified, Accept: fetch.AcceptFeeds})
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) {
			res.Status = se.Status
			f.LastStatus = se.Status
			out.RetryAfter = se.RetryAfter
		} else {
			f.LastStatus = 0
		}
		return err
	}
	res.Status = resp.Status
	res.Bytes = resp.Bytes
	f.LastStatus = resp.Status
	if resp.PermanentURL != "" && resp.PermanentURL != f.URL {
		p.Log.Info("feed moved permanently", "feed", f.ID, "from", f.URL, "to", resp.PermanentURL)
		f.URL = resp.PermanentURL
		res.URL = f.URL
	}
	if resp.NotModified {
		res.NotModified = true
		return nil
	}
	doc, err := feed.Parse(resp.Body, feed.Options{BaseURL: resp.URL, ContentType: resp.ContentType})
	if err != nil {
		// Keep the old validators: the next poll must get the body again.
		return fmt.Errorf("parse %s: %w", resp.URL, err)
	}
	clean, err := content.NewCleaner(src.Rules)
	if err != nil {
		return fmt.Errorf("rules of source %s: %w", src.Slug, err)
	}
	now := p.Now()
	articles := make([]*crosswire.Article, 0, len(doc.Entries))
	seen := make(map[string]bool, len(doc.Entries))
	for _, e := range doc.Entries {
		a := toArticle(src, clean, *f, doc, e, now)
		if seen[a.Key] {
			continue // a feed that lists one item twice
		}
		seen[a.Key] = true
		articles = append(articles, a)
		out.Published = append(out.Published, a.PublishedAt)
	}
	res.Items = len(doc.Entries)
	if err := p.prepare(ctx, src, clean, articles); err != nil {
		return err
	}
	for _, a := range articles {
		// Stored with new articles only; known ones keep their schedule.
		if isHTTP(a.URL) {
			a.NextRevisitAt = p.nextRevisit(a.DisplayTime(), now)
		}
	}
	outcomes, err := p.Store.SaveArticles(ctx, articles)
	if err != nil {
		return fmt.Errorf("store articles of %s: %w", f.URL, err)
	}
	mirrorLater := p.MirrorLater && p.mirrors(src)
	for i, o := range outcomes {
		switch o {
		case crosswire.Created:
			res.New++
		case crosswire.NewVersion:
			res.Updated++
		default:
			continue
		}
		if mirrorLater && hasImage(articles[i]) {
			out.ToMirror = append(out.ToMirror, articles[i].ID)
		}
	}
	// Validators are saved only once the articles are safely stored.
	f.ETag, f.LastModified = resp.ETag, resp.LastModified
	if doc.Title != "" {
		f.Title = doc.Title
	}
	f.HintTTL = doc.TTL
	out.Hint = doc.TTL
	return nil
}
