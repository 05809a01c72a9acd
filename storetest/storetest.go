// Package storetest is the one behaviour suite every crosswire.Store must
// pass, and the benchmarks every store reports. An adapter's test calls
//
//	storetest.Run(t, func(t *testing.T) crosswire.Store { ... })
//
// with a function that returns a new, empty store and closes it in
// t.Cleanup. Times are fixed values (no clock is read), at millisecond
// precision: the precision every store keeps.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"crosswire"
)

// t0 is the suite's "now".
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// at is t0 moved by d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// Run runs the whole suite, each test against a store of its own.
func Run(t *testing.T, open func(t *testing.T) crosswire.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s crosswire.Store)
	}{
		{"PutSourceRoundTrip", testPutSourceRoundTrip},
		{"PutSourceUpdatesBySlug", testPutSourceUpdatesBySlug},
		{"SourcesOrderedByName", testSourcesOrderedByName},
		{"SetSourcePaused", testSetSourcePaused},
		{"SourceNotFound", testSourceNotFound},
		{"DeleteSourceCascades", testDeleteSourceCascades},

		{"PutFeed", testPutFeed},
		{"SaveFeedStateRoundTrip", testSaveFeedStateRoundTrip},
		{"SaveFeedStateErrors", testSaveFeedStateErrors},
		{"DeleteFeedKeepsArticles", testDeleteFeedKeepsArticles},

		{"SaveNewArticle", testSaveNewArticle},
		{"ResaveUnchanged", testResaveUnchanged},
		{"ChangedHashNewRevision", testChangedHashNewRevision},
		{"SameKeyTwoFeedsStoredOnce", testSameKeyTwoFeeds},
		{"SameKeyTwiceInOneBatch", testSameKeyTwiceInOneBatch},
		{"SaveMixedBatchOutcomes", testSaveMixedBatch},
		{"SaveIsOneTransaction", testSaveIsOneTransaction},
		{"SaveFillsMissingTimes", testSaveFillsMissingTimes},
		{"ArticleNotFound", testArticleNotFound},
		{"ArticleQueries", testArticleQueries},
		{"RemovedAndRevisits", testRemovedAndRevisits},
		{"LastChange", testLastChange},
		{"PageHashAndSchedule", testPageHashAndSchedule},
		{"RecordRevisit", testRecordRevisit},
		{"SetRevisionHTML", testSetRevisionHTML},

		{"Media", testMedia},

		{"CreateStoryAndAssign", testCreateStoryAndAssign},
		{"AssignMovesArticle", testAssignMovesArticle},
		{"AssignNotFound", testAssignNotFound},
		{"AssignBatch", testAssignBatch},
		{"StoriesQuery", testStoriesQuery},
		{"ClearAutomaticAssignments", testClearAutomaticAssignments},
		{"NewRevisionRefreshesStory", testNewRevisionRefreshesStory},
		{"UngroupedArticles", testUngroupedArticles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// fixture helpers

func putSource(t testing.TB, s crosswire.Store, slug string, mod ...func(*crosswire.Source)) crosswire.Source {
	t.Helper()
	src := crosswire.Source{
		Slug:      slug,
		Name:      "Outlet " + slug,
		Homepage:  "https://" + slug + ".example/",
		Country:   "GB",
		Ownership: crosswire.OwnershipPrivate,
		Language:  "en",
		Republish: true,
		FullText:  crosswire.FullTextAuto,
		CreatedAt: t0,
		UpdatedAt: t0,
	}
	for _, m := range mod {
		m(&src)
	}
	if err := s.PutSource(context.Background(), &src); err != nil {
		t.Fatalf("PutSource(%q): %v", slug, err)
	}
	return src
}

func putFeed(t testing.TB, s crosswire.Store, sourceID int64, url string) crosswire.Feed {
	t.Helper()
	f := crosswire.Feed{SourceID: sourceID, URL: url, Interval: 15 * time.Minute}
	if err := s.PutFeed(context.Background(), &f); err != nil {
		t.Fatalf("PutFeed(%q): %v", url, err)
	}
	return f
}

// article is a complete article as a poll at seen would deliver it; hash
// follows the text so a different title is a different version.
func article(src crosswire.Source, feedID int64, key, title string, published, seen time.Time) *crosswire.Article {
	return &crosswire.Article{
		SourceID:    src.ID,
		FeedID:      feedID,
		Key:         key,
		GUID:        key,
		URL:         "https://" + src.Slug + ".example/" + key,
		Title:       title,
		Author:      "A. Reporter",
		Categories:  []string{"world", "politics"},
		Summary:     "<p>Summary of " + title + "</p>",
		Content:     "<p>Body of " + title + ".</p><p>Second paragraph.</p>",
		Text:        "Body of " + title + ".\n\nSecond paragraph.",
		ImageURL:    "https://" + src.Slug + ".example/img/" + key + ".jpg",
		Enclosures:  []crosswire.Enclosure{{URL: "https://cdn.example/" + key + ".mp3", Type: "audio/mpeg", Length: 1234}},
		Language:    "en",
		PublishedAt: published,
		UpdatedAt:   published,
		FirstSeenAt: seen,
		LastSeenAt:  seen,
		Hash:        "h:" + title,
	}
}

func save(t testing.TB, s crosswire.Store, arts ...*crosswire.Article) []crosswire.SaveOutcome {
	t.Helper()
	out, err := s.SaveArticles(context.Background(), arts)
	if err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	if len(out) != len(arts) {
		t.Fatalf("SaveArticles returned %d outcomes for %d articles", len(out), len(arts))
	}
	return out
}

func getArticle(t testing.TB, s crosswire.Store, id int64) crosswire.Article {
	t.Helper()
	a, err := s.Article(context.Background(), id)
	if err != nil {
		t.Fatalf("Article(%d): %v", id, err)
	}
	return a
}

// wantNotFound fails unless err wraps crosswire.ErrNotFound.
func wantNotFound(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, crosswire.ErrNotFound) {
		t.Errorf("%s: error %v, want one wrapping crosswire.ErrNotFound", what, err)
	}
}

// diff lists the fields in which got and want (values of one struct type)
// differ. Times compare by instant, and a nil slice equals an empty one,
// since stores need not tell them apart.
func diff(got, want any) []string {
	var out []string
	diffValue("", reflect.ValueOf(got), reflect.ValueOf(want), &out)
	return out
}

var timeType = reflect.TypeOf(time.Time{})

func diffValue(path string, g, w reflect.Value, out *[]string) {
	switch {
	case g.Type() == timeType:
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		if !gt.Equal(wt) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", path, gt, wt))
		}
	case g.Kind() == reflect.Struct:
		for i := range g.NumField() {
			name := g.Type().Field(i).Name
			if path != "" {
				name = path + "." + name
			}
			diffValue(name, g.Field(i), w.Field(i), out)
		}
	case g.Kind() == reflect.Slice:
		if g.Len() != w.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", path, g.Interface(), w.Interface()))
			return
		}
		for i := range g.Len() {
			diffValue(fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i), out)
		}
	default:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %#v, want %#v", path, g.Interface(), w.Interface()))
		}
	}
}

func checkEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if d := diff(got, want); len(d) > 0 {
		t.Errorf("%s differs:", what)
		for _, line := range d {
			t.Errorf("  %s", line)
		}
	}
}
