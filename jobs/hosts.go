package jobs

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"crosswire/fetch"
	"crosswire/ingest"
)

// hostLimiter bounds the requests in flight to one host across every
// process of a deployment. The fetcher's own per-host limit still applies
// within the process.
type hostLimiter interface {
	// acquire waits for a slot of host and returns its release.
	acquire(ctx context.Context, host string) (release func(), err error)
}

// limitedFetcher holds a host slot around each request. The slot covers
// the whole Get (redirects included, counted against the first host); the
// body is read by then, so parsing and storing do not hold it.
type limitedFetcher struct {
	next  ingest.Fetcher
	hosts hostLimiter
}

func (l limitedFetcher) Get(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	host := requestHost(r.URL)
	if host == "" {
		return l.next.Get(ctx, r) // files: no host to be polite to
	}
	release, err := l.hosts.acquire(ctx, host)
	if err != nil {
		return nil, &slotError{fmt.Errorf("fetch %s: host slot: %w", r.URL, err)}
	}
	defer release()
	return l.next.Get(ctx, r)
}

// requestHost is the lower-case host name of an http(s) URL, else "".
func requestHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// slotError is a failure to get a host slot: the database's problem, not
// the feed's, so the poll job fails (and is retried) instead of the feed
// being marked failed.
type slotError struct{ err error }

func (e *slotError) Error() string { return e.err.Error() }
func (e *slotError) Unwrap() error { return e.err }
