package story

import (
	"strconv"
	"strings"

	"crosswire"
)

// summaryBytes is how much of an article's text the grouper reads: the
// lead carries the event; the rest of a long article mostly adds
// background vocabulary.
const summaryBytes = 600

// ArticleItem is how the grouper reads a stored article, given its
// source's slug. The live pipeline (ingest.Grouping) and a rebuild must
// read articles the same way, or a rebuild would not reproduce live
// grouping.
func ArticleItem(a crosswire.Article, source string) Item {
	summary := a.Text
	if len(summary) > summaryBytes {
		summary = summary[:summaryBytes]
	}
	return Item{
		ID:        strconv.FormatInt(a.ID, 10),
		Source:    source,
		Lang:      a.Language,
		Published: a.DisplayTime(),
		Title:     a.Title,
		Summary:   summary,
	}
}

// StoredLabel is the grouper label of a stored story: "s" and its ID. A
// story the grouper opens itself is labelled with the ID of its first
// article, a bare number, so the two never collide.
func StoredLabel(storyID int64) string { return "s" + strconv.FormatInt(storyID, 10) }

// StoredID returns the story ID of a StoredLabel.
func StoredID(label string) (int64, bool) {
	s, ok := strings.CutPrefix(label, "s")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
