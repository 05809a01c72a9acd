package transfer

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"crosswire"
	"crosswire/sqlite"
)

// t0 is the fixtures' "now"; every time is explicit.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// buildHub writes a small but complete hub through the real SQLite store:
// sources (one deleted, leaving an ID gap), feeds with polling state,
// articles with feed and page revisions, categories and enclosures, a
// removed one, stories with automatic and manual assignments, and mirrored
// media, beside a River job table. It returns the closed database's path.
func buildHub(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Fatalf("close sqlite: %v", err)
		}
	}()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	alpha := crosswire.Source{Slug: "alpha", Name: "Alpha Daily", Homepage: "https://alpha.example/", Country: "GB",
		Ownership: crosswire.OwnershipPrivate, Language: "en", Perspective: "west", Disclaimer: "Republished *with* permission.",
		Republish: true, RepublishFrom: at(-48 * time.Hour), FullText: crosswire.FullTextAlways, MirrorMedia: true,
		Rules: crosswire.Rules{Content: []string{"article .body"}, Remove: []string{".ad"},
			RewriteLinks: []crosswire.LinkRewrite{{From: "http://", To: "https://"}}},
		CreatedAt: at(-72 * time.Hour), UpdatedAt: at(-time.Hour)}
	gone := crosswire.Source{Slug: "gone", Name: "Gone", CreatedAt: t0, UpdatedAt: t0}
	beta := crosswire.Source{Slug: "beta", Name: "Бета Новини", Country: "UA", Ownership: crosswire.OwnershipPublic,
		Language: "uk", Paused: true, FullText: crosswire.FullTextNever, CreatedAt: t0, UpdatedAt: t0}
	for _, s := range []*crosswire.Source{&alpha, &gone, &beta} {
		must("PutSource "+s.Slug, st.PutSource(ctx, s))
	}
	gf := crosswire.Feed{SourceID: gone.ID, URL: "https://gone.example/rss"}
	must("PutFeed", st.PutFeed(ctx, &gf))
	must("DeleteSource", st.DeleteSource(ctx, "gone"))

	af1 := crosswire.Feed{SourceID: alpha.ID, URL: "https://alpha.example/rss", Interval: 15 * time.Minute}
	af2 := crosswire.Feed{SourceID: alpha.ID, URL: "https://alpha.example/world.atom", Interval: time.Hour}
	bf := crosswire.Feed{SourceID: beta.ID, URL: "https://beta.example/feed"}
	for _, f := range []*crosswire.Feed{&af1, &af2, &bf} {
		must("PutFeed "+f.URL, st.PutFeed(ctx, f))
	}
	af1.ETag, af1.LastModified, af1.Title = `W/"5e1"`, "Sat, 01 Mar 2025 11:58:00 GMT", "Alpha — Top"
	af1.Interval, af1.HintTTL = 17*time.Minute+500*time.Millisecond, time.Hour
	af1.NextPollAt, af1.LastPollAt, af1.LastNewAt = at(17*time.Minute+123*time.Millisecond), at(7*time.Millisecond), at(-2*time.Hour)
	af1.LastStatus, af1.TotalPolls, af1.TotalErrors = 200, 1<<33, 12
	must("SaveFeedState", st.SaveFeedState(ctx, af1))
	bf.LastStatus, bf.LastError, bf.Failures, bf.TotalPolls, bf.TotalErrors = 503, "503 Service Unavailable", 3, 5, 3
	bf.LastPollAt, bf.NextPollAt = at(time.Hour), at(2*time.Hour)
	must("SaveFeedState", st.SaveFeedState(ctx, bf))

	art := func(src crosswire.Source, feedID int64, key, title string, published time.Time) *crosswire.Article {
		return &crosswire.Article{
			SourceID: src.ID, FeedID: feedID, Key: key, GUID: "guid-" + key,
			URL: "https://" + src.Slug + ".example/" + key, Title: title, Author: "A. Reporter",
			Summary: "<p>Summary of " + title + "</p>", Content: "<p>Body of " + title + ".</p>",
			Text: "Body of " + title + ".", Language: src.Language,
			PublishedAt: published, UpdatedAt: published, FirstSeenAt: t0, LastSeenAt: t0,
			Hash: "h:" + title, PageHash: "p:" + key, NextRevisitAt: at(time.Hour),
		}
	}
	a1 := art(alpha, af1.ID, "a1", "Minister resigns", at(-time.Hour))
	a1.Categories = []string{"politics", "uk"}
	a1.Enclosures = []crosswire.Enclosure{{URL: "https://cdn.example/a1.mp3", Type: "audio/mpeg", Length: 1234}}
	a1.ImageURL = "https://alpha.example/img/a1.jpg"
	a2 := art(alpha, af2.ID, "a2", "Ferry back <in> service", time.Time{})
	a3 := art(alpha, af1.ID, "a3", "Storm warning", at(-3*time.Hour))
	b1 := art(beta, bf.ID, "b1", "Міністр подав у відставку", at(-30*time.Minute))
	b1.Categories = []string{"політика"}
	b2 := art(beta, bf.ID, "b2", "Weather", at(-2*time.Hour))
	_, err = st.SaveArticles(ctx, []*crosswire.Article{a1, a2, a3})
	must("SaveArticles alpha", err)
	_, err = st.SaveArticles(ctx, []*crosswire.Article{b1, b2})
	must("SaveArticles beta", err)

	// A second version of a1 from the feed, and a page edit of b1.
	a1v2 := art(alpha, af1.ID, "a1", "Minister resigns after vote", at(-time.Hour))
	a1v2.LastSeenAt = at(30 * time.Minute)
	_, err = st.SaveArticles(ctx, []*crosswire.Article{a1v2})
	must("SaveArticles a1 v2", err)
	must("RecordRevisit", st.RecordRevisit(ctx, crosswire.RevisitRecord{ArticleID: b1.ID, At: at(2 * time.Hour),
		PageHash: "p:b1:2", Revision: &crosswire.Revision{Title: b1.Title, Content: "<p>Edited.</p>", Text: "Edited.",
			Hash: "h:b1:2"}, Next: at(24 * time.Hour), Revisits: 1}))
	must("MarkRemoved", st.MarkRemoved(ctx, a3.ID, at(3*time.Hour)))
	must("SetRevisit", st.SetRevisit(ctx, a2.ID, time.Time{}, 4))

	s1 := crosswire.Story{Title: "Minister resigns", UpdatedAt: t0}
	s2 := crosswire.Story{Title: "Weather", UpdatedAt: t0}
	must("CreateStory", st.CreateStory(ctx, &s1))
	must("CreateStory", st.CreateStory(ctx, &s2))
	must("AssignArticles", st.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: a1.ID, StoryID: s1.ID, Score: 1,
		Terms: []string{"minister", "resigns"}, AssignedAt: at(time.Minute)}}))
	must("AssignArticles", st.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: b1.ID, StoryID: s1.ID, Score: 0.4125,
		Manual: true, AssignedAt: at(2 * time.Minute)}}))
	must("AssignArticles", st.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: b2.ID, StoryID: s2.ID, Score: 1,
		AssignedAt: at(3 * time.Minute)}}))

	must("PutMedia", st.PutMedia(ctx, crosswire.Media{URL: "https://alpha.example/img/a1.jpg",
		File: "0f3a.jpg", ContentType: "image/jpeg", Size: 48211, FetchedAt: at(time.Minute)}))
	must("PutMedia", st.PutMedia(ctx, crosswire.Media{URL: "https://alpha.example/img/%E2%82%AC.png",
		File: "77aa.png", ContentType: "image/png", Size: 3, FetchedAt: at(2 * time.Minute)}))
	// River's queue may share the file; its jobs are not part of the archive.
	_, err = st.WriteDB().ExecContext(ctx, `CREATE TABLE river_job (id INTEGER PRIMARY KEY, kind TEXT NOT NULL);
		INSERT INTO river_job (kind) VALUES ('poll')`)
	must("create river_job", err)
	return path
}

// hubState is everything a store returns about a hub, read through the
// crosswire.Store interface.
type hubState struct {
	Sources     []crosswire.Source
	Feeds       []crosswire.Feed
	Articles    []crosswire.Article
	Revisions   map[int64][]crosswire.Revision
	Assignments map[int64]crosswire.StoryAssignment
	Stories     []crosswire.Story
	Media       []crosswire.Media
	DueRevisits []crosswire.Article
	LastChange  time.Time
}

var mediaURLs = []string{"https://alpha.example/img/a1.jpg", "https://alpha.example/img/%E2%82%AC.png"}

func readHub(t *testing.T, st crosswire.Store) hubState {
	t.Helper()
	ctx := context.Background()
	var h hubState
	var err error
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	h.Sources, err = st.Sources(ctx)
	must("Sources", err)
	h.Feeds, err = st.Feeds(ctx, 0)
	must("Feeds", err)
	h.Articles, err = st.Articles(ctx, crosswire.ArticleQuery{})
	must("Articles", err)
	h.Revisions = map[int64][]crosswire.Revision{}
	h.Assignments = map[int64]crosswire.StoryAssignment{}
	for _, a := range h.Articles {
		h.Revisions[a.ID], err = st.Revisions(ctx, a.ID)
		must("Revisions", err)
		as, err := st.Assignment(ctx, a.ID)
		if errors.Is(err, crosswire.ErrNotFound) {
			continue
		}
		must("Assignment", err)
		h.Assignments[a.ID] = as
	}
	h.Stories, err = st.Stories(ctx, crosswire.StoryQuery{})
	must("Stories", err)
	for _, u := range mediaURLs {
		m, err := st.MediaByURL(ctx, u)
		must("MediaByURL", err)
		h.Media = append(h.Media, m)
	}
	h.DueRevisits, err = st.DueRevisits(ctx, at(48*time.Hour), 100)
	must("DueRevisits", err)
	h.LastChange, err = st.LastChange(ctx, nil)
	must("LastChange", err)
	return h
}

// checkHubsEqual compares field by field so a failure names what differs.
func checkHubsEqual(t *testing.T, got, want hubState) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s differ:\npostgres: %+v\nsqlite:   %+v", name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}
