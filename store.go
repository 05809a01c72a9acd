package crosswire

import (
	"context"
	"time"
)

// Store is everything the hub persists. The sqlite and postgres packages
// implement it; storetest runs one suite against every implementation.
type Store interface {
	SourceStore
	FeedStore
	ArticleStore
	StoryStore
	MediaStore
	Close() error
}

// SourceStore keeps outlets.
type SourceStore interface {
	// PutSource inserts the source, or updates the one with the same slug,
	// and sets s.ID.
	PutSource(ctx context.Context, s *Source) error
	SourceByID(ctx context.Context, id int64) (Source, error)
	SourceBySlug(ctx context.Context, slug string) (Source, error)
	// Sources lists every source ordered by name.
	Sources(ctx context.Context) ([]Source, error)
	SetSourcePaused(ctx context.Context, slug string, paused bool) error
	// DeleteSource removes a source with its feeds, articles and revisions.
	DeleteSource(ctx context.Context, slug string) error
}

// FeedStore keeps feed addresses and their polling state.
type FeedStore interface {
	// PutFeed inserts the feed unless the source already has that URL, and
	// sets f.ID either way. Polling state of an existing feed is untouched.
	PutFeed(ctx context.Context, f *Feed) error
	FeedByID(ctx context.Context, id int64) (Feed, error)
	// Feeds lists a source's feeds; sourceID 0 lists all.
	Feeds(ctx context.Context, sourceID int64) ([]Feed, error)
	// SaveFeedState writes a feed's polling state (URL, validators,
	// schedule, errors) after a poll.
	SaveFeedState(ctx context.Context, f Feed) error
	DeleteFeed(ctx context.Context, id int64) error
}

// ArticleQuery selects articles, newest first (DisplayTime, then ID).
type ArticleQuery struct {
	SourceIDs []int64   // restrict to these sources (nil: all)
	StoryID   int64     // restrict to one story
	Since     time.Time // DisplayTime >= Since
	Limit     int       // 0: no limit
	Offset    int
}

// ArticleStore keeps articles and every revision of them.
type ArticleStore interface {
	// SaveArticles stores the articles of one poll of one source in one
	// transaction. For each article, by (SourceID, Key): a new key is
	// inserted with revision 1; a known key with a different Hash gets a new
	// revision and its current fields replaced; a known key with the same
	// Hash only has LastSeenAt moved. IDs (and Revisions) are set on the
	// given articles. The outcomes are in the same order. Revisions are
	// stored with Origin OriginFeed; PageHash is stored with every new
	// revision, NextRevisitAt only with a new article (a new version keeps
	// the revisit schedule).
	SaveArticles(ctx context.Context, articles []*Article) ([]SaveOutcome, error)
	Article(ctx context.Context, id int64) (Article, error)
	ArticleByKey(ctx context.Context, sourceID int64, key string) (Article, error)
	Articles(ctx context.Context, q ArticleQuery) ([]Article, error)
	CountArticles(ctx context.Context, q ArticleQuery) (int, error)
	// Revisions lists an article's revisions, oldest first.
	Revisions(ctx context.Context, articleID int64) ([]Revision, error)
	// MarkRemoved records that the original answered 404/410 at time at
	// (zero clears it when it reappears).
	MarkRemoved(ctx context.Context, articleID int64, at time.Time) error
	// SetRevisionHTML replaces the summary and content of revision n of an
	// article, in place: the same text with its images mirrored after it
	// was stored. n must still be the current revision (ErrConflict
	// otherwise: a newer one has its own images to mirror). It moves the
	// article's LastChange to at. ErrNotFound for an unknown article.
	SetRevisionHTML(ctx context.Context, articleID int64, n int, summary, content string, at time.Time) error
	// SetRevisit records a revisit's schedule and count.
	SetRevisit(ctx context.Context, articleID int64, next time.Time, revisits int) error
	// UngroupedArticles lists up to limit articles in no story, with IDs
	// above afterID, in ID order (oldest first): the grouping stage's
	// queue. Only what grouping reads is filled in: ID, SourceID, Title,
	// Text, Language, PublishedAt and FirstSeenAt.
	UngroupedArticles(ctx context.Context, afterID int64, limit int) ([]Article, error)
	// DueRevisits lists articles whose NextRevisitAt is set and <= now.
	DueRevisits(ctx context.Context, now time.Time, limit int) ([]Article, error)
	// RecordRevisit stores what a revisit found, in one transaction: the
	// page hash, a new revision if r.Revision is set (revision N+1, which
	// becomes the current text and moves LastChange; Hash, the feed's, is
	// kept), LastSeenAt moved to r.At, and the next revisit and count.
	// r.Revisits must be one more than the stored count, else ErrConflict:
	// another process recorded this revisit first. Unknown article:
	// ErrNotFound.
	RecordRevisit(ctx context.Context, r RevisitRecord) error
	// LastChange is the time of the newest stored article or revision of
	// the given sources (nil: all): output feeds use it for Last-Modified.
	LastChange(ctx context.Context, sourceIDs []int64) (time.Time, error)
}

// StoryQuery selects stories, most recently active first (LastAt).
type StoryQuery struct {
	SourceIDs  []int64 // only stories with an article from these sources, counting only them
	MinSources int     // at least this many distinct sources
	MaxSources int     // at most this many (0: no bound)
	Since      time.Time
	Limit      int
	Offset     int
}

// StoryStore keeps stories and which article belongs to which.
type StoryStore interface {
	// CreateStory inserts a story and sets s.ID.
	CreateStory(ctx context.Context, s *Story) error
	// AssignArticles puts articles in stories (moving those that were in
	// another), in one transaction: all or none. Assignments with NewStory
	// create that story first. Then every story an article joined or left
	// has its counts and times recomputed and its UpdatedAt set to the
	// batch's latest AssignedAt; one left without articles is deleted. An
	// unknown article or story fails the batch with ErrNotFound. A batch
	// that assigns one article twice stores the later assignment.
	AssignArticles(ctx context.Context, as []StoryAssignment) error
	Story(ctx context.Context, id int64) (Story, error)
	Stories(ctx context.Context, q StoryQuery) ([]Story, error)
	Assignment(ctx context.Context, articleID int64) (StoryAssignment, error)
	// ClearAutomaticAssignments removes every non-manual assignment and the
	// stories left empty, before a rebuild.
	ClearAutomaticAssignments(ctx context.Context) error
}

// MediaStore records mirrored images by their original URL.
type MediaStore interface {
	// PutMedia records a mirrored copy; a URL already recorded is updated.
	PutMedia(ctx context.Context, m Media) error
	MediaByURL(ctx context.Context, url string) (Media, error)
}
