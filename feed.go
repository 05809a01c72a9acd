package crosswire

import "time"

// Feed is one feed address of a source and its polling state. The state
// lives in the store so polling survives restarts.
type Feed struct {
	ID       int64
	SourceID int64
	URL      string // updated when the server answers with a permanent redirect

	// HTTP validators from the last 200 answer, sent back as
	// If-None-Match / If-Modified-Since.
	ETag         string
	LastModified string

	Title string // as the feed names itself

	// Schedule.
	Interval    time.Duration // current adaptive interval (bounded by the config)
	HintTTL     time.Duration // the feed's own <ttl> / sy:updatePeriod hint, 0 if none
	NextPollAt  time.Time
	LastPollAt  time.Time
	LastNewAt   time.Time // last poll that found a new article
	LastStatus  int       // HTTP status of the last poll (0: transport error)
	LastError   string    // empty after a good poll
	Failures    int       // consecutive failed polls; drives backoff
	TotalPolls  int64
	TotalErrors int64
}

// PollResult is what one poll of a feed did; printed by `crosswire fetch`
// and logged by the scheduler.
type PollResult struct {
	FeedID      int64
	URL         string
	Status      int
	NotModified bool
	Items       int   // entries in the document
	New         int   // articles stored for the first time
	Updated     int   // new revisions of known articles
	Bytes       int64 // body bytes received
	Err         error
	Duration    time.Duration
	NextPollAt  time.Time
}
