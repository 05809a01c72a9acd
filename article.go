package crosswire

import "time"

// Article is one archived article: its identity and its latest revision.
// Earlier revisions are kept as Revision rows and never overwritten.
type Article struct {
	ID       int64
	SourceID int64
	FeedID   int64 // the feed it was first seen in

	// Key is the stable identity within a source: the feed's guid/id, else
	// the canonical link without tracking parameters, else a content hash.
	// The same article in two feeds of one source has one key.
	Key  string
	GUID string // as the feed gave it
	URL  string // canonical link to the original

	Title      string // plain text
	Author     string
	Categories []string
	Summary    string // sanitized HTML
	Content    string // sanitized HTML, the fullest body we have
	Text       string // plain-text rendering of Content (paragraphs separated by blank lines)
	ImageURL   string
	Enclosures []Enclosure
	Language   string

	PublishedAt time.Time // as the outlet says; zero if it did not say
	UpdatedAt   time.Time // as the outlet says
	FirstSeenAt time.Time // when the hub first stored it
	LastSeenAt  time.Time // last poll or revisit that still carried it

	// Hash identifies what the outlet delivered (title, summary, content)
	// so a re-poll with the same text does not create a revision.
	Hash      string
	Revisions int // number of stored revisions, >= 1

	// PageHash identifies the text last extracted from the article's page
	// (by a poll's full-text fetch or a revisit); empty when the current
	// text came from the feed and the page was never read. A revisit that
	// extracts a different text records a silent edit.
	PageHash string

	// Set by revisits: the outlet's page answered 404/410 on that day. The
	// hub keeps serving its copy.
	RemovedAt     time.Time
	NextRevisitAt time.Time
	Revisits      int
	ExtractNote   string // why full-text extraction was not used, if it failed

	StoryID int64 // 0 until grouped
}

// DisplayTime is the time shown and sorted by: the outlet's publication
// time, else when the hub first saw it.
func (a Article) DisplayTime() time.Time {
	if !a.PublishedAt.IsZero() {
		return a.PublishedAt
	}
	return a.FirstSeenAt
}

// Enclosure is an attached media file (podcast audio, image, video).
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type"`
	Length int64  `json:"length"`
}

// Revision is one stored version of an article's text.
type Revision struct {
	ID        int64
	ArticleID int64
	N         int // 1 for the first version
	Title     string
	Summary   string
	Content   string
	Text      string
	Hash      string
	Origin    string // OriginFeed or OriginPage
	FetchedAt time.Time
}

// Where a revision's text came from.
const (
	OriginFeed = "feed" // a poll of the feed (with the page's full text when it was fetched)
	OriginPage = "page" // a revisit of the article's page found it edited
)

// RevisitRecord is what one revisit of an article's page found; see
// ArticleStore.RecordRevisit.
type RevisitRecord struct {
	ArticleID int64
	At        time.Time // when the page answered; moves LastSeenAt
	PageHash  string    // hash of the text extracted from the page; "" keeps the stored one
	// Revision, when set, is a silent edit: stored as the next revision
	// (Origin OriginPage if empty), it becomes the article's current text.
	// ID, ArticleID and N are set on it.
	Revision *Revision
	Next     time.Time // the next revisit; zero: none
	Revisits int       // revisits done, this one included
}

// SaveOutcome says what storing one article did.
type SaveOutcome int

const (
	Unchanged  SaveOutcome = iota // known key, same hash: only LastSeenAt moved
	Created                       // new article, revision 1
	NewVersion                    // known key, different hash: revision N+1 stored
)

// Media is one mirrored image: the outlet's URL and the hub's copy.
type Media struct {
	URL         string // the original address, as found in the article
	File        string // "<sha256>.<ext>", the copy's name
	ContentType string
	Size        int64
	FetchedAt   time.Time
}
