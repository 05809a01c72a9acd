package crosswire

import "time"

// Story groups articles from different outlets about one event.
type Story struct {
	ID        int64
	Title     string // headline of its most representative article
	FirstAt   time.Time
	LastAt    time.Time
	Articles  int
	Sources   int // distinct sources
	UpdatedAt time.Time
}

// StoryAssignment records why an article belongs to a story, so decisions
// can be explained and rebuilt.
type StoryAssignment struct {
	ArticleID  int64
	StoryID    int64
	Score      float64  // similarity to the story when assigned (1 for a new story)
	Terms      []string // top shared terms that decided it
	Manual     bool     // an operator's decision; survives rebuilds
	AssignedAt time.Time
	// NewStory, when set, is a story for AssignArticles to create first
	// (once, however many assignments of the batch share it); StoryID is
	// then set to its ID. Reads never set it.
	NewStory *Story
}
