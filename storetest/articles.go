package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"crosswire"
)

func testSaveNewArticle(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")

	full := article(src, f.ID, "urn:a1", "Everything set", at(-90*time.Minute+250*time.Millisecond), t0)
	full.UpdatedAt = at(-30 * time.Minute)
	full.ExtractNote = "readability: too short"
	bare := &crosswire.Article{SourceID: src.ID, FeedID: f.ID, Key: "https://src.example/bare",
		URL: "https://src.example/bare", Title: "Almost nothing", Hash: "h-bare", FirstSeenAt: t0, LastSeenAt: t0}

	out := save(t, s, full, bare)
	checkEqual(t, "outcomes", out, []crosswire.SaveOutcome{crosswire.Created, crosswire.Created})
	for _, a := range []*crosswire.Article{full, bare} {
		if a.ID == 0 || a.Revisions != 1 {
			t.Errorf("saved %q: ID %d, Revisions %d; want an ID and 1", a.Key, a.ID, a.Revisions)
		}
		got := getArticle(t, s, a.ID)
		checkEqual(t, "stored "+a.Key, got, *a)

		byKey, err := s.ArticleByKey(ctx, src.ID, a.Key)
		if err != nil {
			t.Fatalf("ArticleByKey: %v", err)
		}
		checkEqual(t, "ArticleByKey "+a.Key, byKey, *a)

		revs, err := s.Revisions(ctx, a.ID)
		if err != nil {
			t.Fatalf("Revisions: %v", err)
		}
		if len(revs) != 1 {
			t.Fatalf("Revisions: %d, want 1", len(revs))
		}
		want := crosswire.Revision{ID: revs[0].ID, ArticleID: a.ID, N: 1, Title: a.Title, Summary: a.Summary,
			Content: a.Content, Text: a.Text, Hash: a.Hash, Origin: "feed", FetchedAt: a.LastSeenAt}
		checkEqual(t, "revision 1", revs[0], want)
	}
}

func testResaveUnchanged(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	a := article(src, f.ID, "k", "Title", at(-time.Hour), t0)
	save(t, s, a)
	stored := getArticle(t, s, a.ID)

	for i, seen := range []time.Time{at(10 * time.Minute), at(20*time.Minute + 5*time.Millisecond)} {
		// Same hash: even fields that differ (a feed that reformats
		// nothing that counts) leave the stored article as it was.
		again := article(src, f.ID, "k", "Title", at(-time.Hour), seen)
		again.Author = "Someone Else"
		out := save(t, s, again)
		if out[0] != crosswire.Unchanged {
			t.Fatalf("re-save %d: outcome %v, want Unchanged", i, out[0])
		}
		if again.ID != a.ID || again.Revisions != 1 {
			t.Errorf("re-save %d set ID %d, Revisions %d; want %d, 1", i, again.ID, again.Revisions, a.ID)
		}
		want := stored
		want.LastSeenAt = seen
		checkEqual(t, "article after an unchanged re-save", getArticle(t, s, a.ID), want)
	}
	revs, err := s.Revisions(ctx, a.ID)
	if err != nil || len(revs) != 1 {
		t.Errorf("Revisions after unchanged re-saves: %d, %v; want 1", len(revs), err)
	}
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != 1 {
		t.Errorf("CountArticles = %d, %v; want 1", n, err)
	}
}

func testChangedHashNewRevision(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	v1 := article(src, f.ID, "k", "Minister resigns", at(-time.Hour), t0)
	save(t, s, v1)
	if err := s.SetRevisit(ctx, v1.ID, at(6*time.Hour), 1); err != nil {
		t.Fatalf("SetRevisit: %v", err)
	}
	if err := s.MarkRemoved(ctx, v1.ID, at(time.Minute)); err != nil {
		t.Fatalf("MarkRemoved: %v", err)
	}
	revs1, err := s.Revisions(ctx, v1.ID)
	if err != nil {
		t.Fatalf("Revisions: %v", err)
	}

	// The outlet rewrites the piece; it comes in through another feed.
	f2 := putFeed(t, s, src.ID, "https://src.example/world")
	v2 := article(src, f2.ID, "k", "Minister resigns after vote", at(-30*time.Minute), at(time.Hour))
	v2.Categories = []string{"politics"}
	v2.Enclosures = nil
	v2.ExtractNote = "page: 403"
	out := save(t, s, v2)
	if out[0] != crosswire.NewVersion {
		t.Fatalf("outcome %v, want NewVersion", out[0])
	}
	if v2.ID != v1.ID || v2.Revisions != 2 {
		t.Errorf("new version: ID %d, Revisions %d; want %d, 2", v2.ID, v2.Revisions, v1.ID)
	}

	want := *v2
	want.FeedID = f.ID               // the feed it was first seen in
	want.FirstSeenAt = t0            // first sighting stays
	want.RemovedAt = at(time.Minute) // revisit state stays
	want.NextRevisitAt = at(6 * time.Hour)
	want.Revisits = 1
	checkEqual(t, "article after a new version", getArticle(t, s, v1.ID), want)

	revs, err := s.Revisions(ctx, v1.ID)
	if err != nil {
		t.Fatalf("Revisions: %v", err)
	}
	if len(revs) != 2 {
		t.Fatalf("Revisions: %d, want 2", len(revs))
	}
	checkEqual(t, "revision 1 after a new version", revs[0], revs1[0])
	want2 := crosswire.Revision{ID: revs[1].ID, ArticleID: v1.ID, N: 2, Title: v2.Title, Summary: v2.Summary,
		Content: v2.Content, Text: v2.Text, Hash: v2.Hash, Origin: "feed", FetchedAt: at(time.Hour)}
	checkEqual(t, "revision 2", revs[1], want2)
	if revs[0].ID == revs[1].ID {
		t.Error("both revisions have one ID")
	}

	// A third version, then the second text again: every delivery of a
	// different text is a revision, even one seen before.
	v3 := article(src, f.ID, "k", "Minister resigns after confidence vote", at(-30*time.Minute), at(2*time.Hour))
	v2again := article(src, f.ID, "k", "Minister resigns after vote", at(-30*time.Minute), at(3*time.Hour))
	out = save(t, s, v3)
	out = append(out, save(t, s, v2again)...)
	checkEqual(t, "outcomes", out, []crosswire.SaveOutcome{crosswire.NewVersion, crosswire.NewVersion})
	revs, err = s.Revisions(ctx, v1.ID)
	if err != nil {
		t.Fatalf("Revisions: %v", err)
	}
	var titles []string
	for i, r := range revs {
		if r.N != i+1 {
			t.Errorf("revision %d has N %d", i, r.N)
		}
		titles = append(titles, r.Title)
	}
	checkEqual(t, "revision titles", titles, []string{v1.Title, v2.Title, v3.Title, v2.Title})
	if got := getArticle(t, s, v1.ID); got.Revisions != 4 || got.Title != v2.Title {
		t.Errorf("article after 4 versions: Revisions %d, Title %q", got.Revisions, got.Title)
	}
}

func testSameKeyTwoFeeds(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	other := putSource(t, s, "other")
	world := putFeed(t, s, src.ID, "https://src.example/world")
	top := putFeed(t, s, src.ID, "https://src.example/top")
	otherFeed := putFeed(t, s, other.ID, "https://other.example/rss")

	a := article(src, world.ID, "shared-guid", "Shared", at(-time.Hour), t0)
	save(t, s, a)
	b := article(src, top.ID, "shared-guid", "Shared", at(-time.Hour), at(time.Minute))
	if out := save(t, s, b); out[0] != crosswire.Unchanged {
		t.Errorf("same key from a second feed: %v, want Unchanged", out[0])
	}
	if b.ID != a.ID {
		t.Errorf("same key from a second feed got ID %d, want %d", b.ID, a.ID)
	}
	got := getArticle(t, s, a.ID)
	if got.FeedID != world.ID {
		t.Errorf("FeedID = %d, want the first feed %d", got.FeedID, world.ID)
	}
	if n, _ := s.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{src.ID}}); n != 1 {
		t.Errorf("source has %d articles, want 1", n)
	}
	// The same key in another source is another article.
	c := article(other, otherFeed.ID, "shared-guid", "Shared", at(-time.Hour), t0)
	if out := save(t, s, c); out[0] != crosswire.Created || c.ID == a.ID {
		t.Errorf("same key in another source: %v, ID %d (first %d); want Created, a new ID", out[0], c.ID, a.ID)
	}
}

func testSameKeyTwiceInOneBatch(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	tests := []struct {
		name      string
		first     string
		second    string
		want      []crosswire.SaveOutcome
		revisions int
	}{
		{"same text", "Dup", "Dup", []crosswire.SaveOutcome{crosswire.Created, crosswire.Unchanged}, 1},
		{"changed text", "Dup", "Dup, updated", []crosswire.SaveOutcome{crosswire.Created, crosswire.NewVersion}, 2},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprintf("dup-%d", i)
			a := article(src, f.ID, key, tt.first, at(-time.Hour), t0)
			b := article(src, f.ID, key, tt.second, at(-time.Hour), t0)
			out := save(t, s, a, b)
			checkEqual(t, "outcomes", out, tt.want)
			if a.ID != b.ID {
				t.Errorf("one key got IDs %d and %d", a.ID, b.ID)
			}
			revs, err := s.Revisions(ctx, a.ID)
			if err != nil || len(revs) != tt.revisions {
				t.Errorf("Revisions: %d, %v; want %d", len(revs), err, tt.revisions)
			}
			if got := getArticle(t, s, a.ID); got.Title != tt.second {
				t.Errorf("title %q, want %q", got.Title, tt.second)
			}
		})
	}
}

func testSaveMixedBatch(t *testing.T, s crosswire.Store) {
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	save(t, s,
		article(src, f.ID, "same", "Same", at(-3*time.Hour), t0),
		article(src, f.ID, "edited", "Edited", at(-2*time.Hour), t0))

	batch := []*crosswire.Article{
		article(src, f.ID, "new1", "New one", at(-time.Minute), at(time.Hour)),
		article(src, f.ID, "edited", "Edited again", at(-2*time.Hour), at(time.Hour)),
		article(src, f.ID, "same", "Same", at(-3*time.Hour), at(time.Hour)),
		article(src, f.ID, "new2", "New two", at(-2*time.Minute), at(time.Hour)),
	}
	out := save(t, s, batch...)
	checkEqual(t, "outcomes in order", out, []crosswire.SaveOutcome{
		crosswire.Created, crosswire.NewVersion, crosswire.Unchanged, crosswire.Created})
	wantRevs := []int{1, 2, 1, 1}
	seen := map[int64]bool{}
	for i, a := range batch {
		if a.Revisions != wantRevs[i] {
			t.Errorf("article %q: Revisions %d, want %d", a.Key, a.Revisions, wantRevs[i])
		}
		if seen[a.ID] {
			t.Errorf("article %q: ID %d given twice", a.Key, a.ID)
		}
		seen[a.ID] = true
		if got := getArticle(t, s, a.ID); got.Key != a.Key {
			t.Errorf("ID %d set on %q holds %q", a.ID, a.Key, got.Key)
		}
	}
	out, err := s.SaveArticles(context.Background(), nil)
	if err != nil || len(out) != 0 {
		t.Errorf("SaveArticles(nil) = %v, %v", out, err)
	}
}

func testSaveIsOneTransaction(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	f := putFeed(t, s, src.ID, "https://src.example/rss")
	kept := article(src, f.ID, "kept", "Kept", at(-time.Hour), t0)
	save(t, s, kept)

	ghost := crosswire.Source{ID: src.ID + 1000, Slug: "ghost"}
	batch := []*crosswire.Article{
		article(src, f.ID, "new", "New", at(-time.Minute), at(time.Hour)),
		article(src, f.ID, "kept", "Kept, changed", at(-time.Hour), at(time.Hour)),
		article(ghost, 0, "orphan", "No such source", at(-time.Minute), at(time.Hour)),
	}
	_, err := s.SaveArticles(ctx, batch)
	if err == nil {
		t.Fatal("SaveArticles with an article of an unknown source succeeded")
	}
	wantNotFound(t, "SaveArticles with an article of an unknown source", err)
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != 1 {
		t.Errorf("after a failed batch: %d articles (%v), want 1", n, err)
	}
	got := getArticle(t, s, kept.ID)
	if got.Title != "Kept" || got.Revisions != 1 {
		t.Errorf("after a failed batch the kept article is %q with %d revisions", got.Title, got.Revisions)
	}
	if last, _ := s.LastChange(ctx, nil); !last.Equal(t0) {
		t.Errorf("LastChange after a failed batch = %v, want %v", last, t0)
	}
}

func testSaveFillsMissingTimes(t *testing.T, s crosswire.Store) {
	src := putSource(t, s, "src")
	onlyLast := article(src, 0, "only-last", "Only LastSeenAt", time.Time{}, time.Time{})
	onlyLast.LastSeenAt = at(time.Minute)
	onlyFirst := article(src, 0, "only-first", "Only FirstSeenAt", time.Time{}, time.Time{})
	onlyFirst.FirstSeenAt = at(2 * time.Minute)
	save(t, s, onlyLast, onlyFirst)
	for _, tt := range []struct {
		a    *crosswire.Article
		want time.Time
	}{{onlyLast, at(time.Minute)}, {onlyFirst, at(2 * time.Minute)}} {
		got := getArticle(t, s, tt.a.ID)
		if !got.FirstSeenAt.Equal(tt.want) || !got.LastSeenAt.Equal(tt.want) {
			t.Errorf("%q: FirstSeenAt %v, LastSeenAt %v; want both %v", tt.a.Key, got.FirstSeenAt, got.LastSeenAt, tt.want)
		}
		if got.FeedID != 0 {
			t.Errorf("%q saved without a feed has FeedID %d", tt.a.Key, got.FeedID)
		}
	}
}

func testArticleNotFound(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	a := article(src, 0, "k", "T", at(-time.Hour), t0)
	save(t, s, a)
	_, err := s.Article(ctx, a.ID+1000)
	wantNotFound(t, "Article(unknown)", err)
	_, err = s.ArticleByKey(ctx, src.ID, "nope")
	wantNotFound(t, "ArticleByKey(unknown key)", err)
	_, err = s.ArticleByKey(ctx, src.ID+1000, "k")
	wantNotFound(t, "ArticleByKey(other source)", err)
	_, err = s.Revisions(ctx, a.ID+1000)
	wantNotFound(t, "Revisions(unknown)", err)
	wantNotFound(t, "MarkRemoved(unknown)", s.MarkRemoved(ctx, a.ID+1000, t0))
	wantNotFound(t, "SetRevisit(unknown)", s.SetRevisit(ctx, a.ID+1000, t0, 1))
}

// testArticleQueries checks filters, order and pagination against a
// reference: the fixture's articles filtered and sorted in Go.
func testArticleQueries(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	srcs := []crosswire.Source{putSource(t, s, "s0"), putSource(t, s, "s1"), putSource(t, s, "s2")}
	var all []*crosswire.Article
	for i := range 30 {
		src := srcs[i%3]
		published := at(-time.Duration(i*7%23) * time.Hour)
		seen := at(time.Duration(i) * time.Minute)
		switch {
		case i%5 == 0: // no publication date: sorted by when it was first seen
			published = time.Time{}
		case i%4 == 0: // same display time as another article: ID breaks the tie
			published = at(-5 * time.Hour)
		}
		a := article(src, 0, fmt.Sprintf("a%02d", i), fmt.Sprintf("Article %d", i), published, seen)
		all = append(all, a)
	}
	// Saved per source, in batches, the way polls store them.
	for _, src := range srcs {
		var batch []*crosswire.Article
		for _, a := range all {
			if a.SourceID == src.ID {
				batch = append(batch, a)
			}
		}
		save(t, s, batch...)
	}

	// Two stories.
	st1, st2 := crosswire.Story{Title: "one"}, crosswire.Story{Title: "two"}
	for _, st := range []*crosswire.Story{&st1, &st2} {
		if err := s.CreateStory(ctx, st); err != nil {
			t.Fatalf("CreateStory: %v", err)
		}
	}
	for i, a := range all {
		var story int64
		switch {
		case i%3 == 1:
			story = st1.ID
		case i%7 == 2:
			story = st2.ID
		default:
			continue
		}
		assign(t, s, crosswire.StoryAssignment{ArticleID: a.ID, StoryID: story, AssignedAt: t0})
		a.StoryID = story
	}

	reference := func(q crosswire.ArticleQuery) []int64 {
		var sel []*crosswire.Article
		for _, a := range all {
			if q.SourceIDs != nil && !slices.Contains(q.SourceIDs, a.SourceID) {
				continue
			}
			if q.StoryID != 0 && a.StoryID != q.StoryID {
				continue
			}
			if !q.Since.IsZero() && a.DisplayTime().Before(q.Since) {
				continue
			}
			sel = append(sel, a)
		}
		sort.Slice(sel, func(i, j int) bool {
			di, dj := sel[i].DisplayTime(), sel[j].DisplayTime()
			if !di.Equal(dj) {
				return di.After(dj)
			}
			return sel[i].ID > sel[j].ID
		})
		ids := []int64{}
		for _, a := range sel {
			ids = append(ids, a.ID)
		}
		if q.Offset > 0 {
			ids = ids[min(q.Offset, len(ids)):]
		}
		if q.Limit > 0 {
			ids = ids[:min(q.Limit, len(ids))]
		}
		return ids
	}

	tests := []struct {
		name string
		q    crosswire.ArticleQuery
	}{
		{"all", crosswire.ArticleQuery{}},
		{"first page", crosswire.ArticleQuery{Limit: 7}},
		{"second page", crosswire.ArticleQuery{Limit: 7, Offset: 7}},
		{"last partial page", crosswire.ArticleQuery{Limit: 7, Offset: 28}},
		{"past the end", crosswire.ArticleQuery{Limit: 7, Offset: 30}},
		{"offset without limit", crosswire.ArticleQuery{Offset: 25}},
		{"one source", crosswire.ArticleQuery{SourceIDs: []int64{srcs[1].ID}}},
		{"two sources, paged", crosswire.ArticleQuery{SourceIDs: []int64{srcs[0].ID, srcs[2].ID}, Limit: 5, Offset: 5}},
		{"unknown source", crosswire.ArticleQuery{SourceIDs: []int64{srcs[2].ID + 1000}}},
		{"no sources", crosswire.ArticleQuery{SourceIDs: []int64{}}},
		{"story", crosswire.ArticleQuery{StoryID: st1.ID}},
		{"story and source", crosswire.ArticleQuery{StoryID: st2.ID, SourceIDs: []int64{srcs[2].ID}}},
		{"since", crosswire.ArticleQuery{Since: at(-5 * time.Hour)}},
		{"since, one source, paged", crosswire.ArticleQuery{Since: at(-10 * time.Hour), SourceIDs: []int64{srcs[0].ID}, Limit: 3}},
		{"since first-seen times", crosswire.ArticleQuery{Since: at(10 * time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Articles(ctx, tt.q)
			if err != nil {
				t.Fatalf("Articles: %v", err)
			}
			ids := []int64{}
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			checkEqual(t, "article IDs", ids, reference(tt.q))

			unpaged := tt.q
			unpaged.Limit, unpaged.Offset = 0, 0
			n, err := s.CountArticles(ctx, unpaged)
			if err != nil {
				t.Fatalf("CountArticles: %v", err)
			}
			if want := len(reference(unpaged)); n != want {
				t.Errorf("CountArticles = %d, want %d", n, want)
			}
			if n, err := s.CountArticles(ctx, tt.q); err != nil || n != len(reference(unpaged)) {
				t.Errorf("CountArticles with limit/offset = %d, %v; want %d (they are ignored)", n, err, len(reference(unpaged)))
			}
		})
	}

	// The listed articles are complete.
	got, err := s.Articles(ctx, crosswire.ArticleQuery{Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("Articles(limit 1) = %d, %v", len(got), err)
	}
	for _, a := range all {
		if a.ID == got[0].ID {
			checkEqual(t, "listed article", got[0], *a)
		}
	}

	// Pages put together are the whole list.
	var paged []int64
	for off := 0; ; off += 4 {
		page, err := s.Articles(ctx, crosswire.ArticleQuery{Limit: 4, Offset: off})
		if err != nil {
			t.Fatalf("Articles page: %v", err)
		}
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			paged = append(paged, a.ID)
		}
	}
	checkEqual(t, "pages joined", paged, reference(crosswire.ArticleQuery{}))
}

func testRemovedAndRevisits(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	var arts []*crosswire.Article
	for i := range 5 {
		arts = append(arts, article(src, 0, fmt.Sprintf("r%d", i), fmt.Sprintf("R %d", i), at(-time.Hour), t0))
	}
	save(t, s, arts...)

	// Removal is recorded and cleared.
	if err := s.MarkRemoved(ctx, arts[0].ID, at(time.Hour)); err != nil {
		t.Fatalf("MarkRemoved: %v", err)
	}
	if got := getArticle(t, s, arts[0].ID); !got.RemovedAt.Equal(at(time.Hour)) {
		t.Errorf("RemovedAt = %v, want %v", got.RemovedAt, at(time.Hour))
	}
	if err := s.MarkRemoved(ctx, arts[0].ID, time.Time{}); err != nil {
		t.Fatalf("MarkRemoved(zero): %v", err)
	}
	got := getArticle(t, s, arts[0].ID)
	if !got.RemovedAt.IsZero() {
		t.Errorf("RemovedAt after clearing = %v, want zero", got.RemovedAt)
	}
	if got.Content != arts[0].Content {
		t.Error("MarkRemoved changed the content")
	}

	// Revisit schedule: arts[1] due long ago, arts[2] due now, arts[3]
	// later, arts[4] never; arts[0] scheduled then cleared.
	sched := []struct {
		i     int
		next  time.Time
		count int
	}{
		{0, at(-3 * time.Hour), 1},
		{1, at(-2 * time.Hour), 3},
		{2, t0, 1},
		{3, at(time.Hour), 2},
		{0, time.Time{}, 4},
	}
	for _, sc := range sched {
		if err := s.SetRevisit(ctx, arts[sc.i].ID, sc.next, sc.count); err != nil {
			t.Fatalf("SetRevisit: %v", err)
		}
	}
	got = getArticle(t, s, arts[1].ID)
	if !got.NextRevisitAt.Equal(at(-2*time.Hour)) || got.Revisits != 3 {
		t.Errorf("after SetRevisit: NextRevisitAt %v, Revisits %d", got.NextRevisitAt, got.Revisits)
	}
	if got := getArticle(t, s, arts[0].ID); !got.NextRevisitAt.IsZero() || got.Revisits != 4 {
		t.Errorf("after clearing the revisit: NextRevisitAt %v, Revisits %d", got.NextRevisitAt, got.Revisits)
	}

	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []int64
	}{
		{"due now", t0, 0, []int64{arts[1].ID, arts[2].ID}},
		{"limit", t0, 1, []int64{arts[1].ID}},
		{"before any", at(-4 * time.Hour), 0, nil},
		{"later", at(2 * time.Hour), 10, []int64{arts[1].ID, arts[2].ID, arts[3].ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, err := s.DueRevisits(ctx, tt.now, tt.limit)
			if err != nil {
				t.Fatalf("DueRevisits: %v", err)
			}
			var ids []int64
			for _, a := range due {
				ids = append(ids, a.ID)
				if a.Content == "" {
					t.Errorf("due article %d has no content", a.ID)
				}
			}
			checkEqual(t, "due revisit IDs", ids, tt.want)
		})
	}
}

func testLastChange(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	last, err := s.LastChange(ctx, nil)
	if err != nil || !last.IsZero() {
		t.Fatalf("LastChange on an empty store = %v, %v; want zero", last, err)
	}
	a := putSource(t, s, "a")
	b := putSource(t, s, "b")
	c := putSource(t, s, "c")
	if last, err := s.LastChange(ctx, []int64{c.ID}); err != nil || !last.IsZero() {
		t.Errorf("LastChange of a source without articles = %v, %v; want zero", last, err)
	}

	save(t, s, article(a, 0, "a1", "A1", at(-5*time.Hour), at(time.Minute+7*time.Millisecond)))
	save(t, s, article(b, 0, "b1", "B1", at(-5*time.Hour), at(2*time.Minute)))
	// Unchanged re-saves move LastSeenAt, not LastChange.
	save(t, s, article(a, 0, "a1", "A1", at(-5*time.Hour), at(time.Hour)))
	steps := []struct {
		name string
		ids  []int64
		want time.Time
	}{
		{"all", nil, at(2 * time.Minute)},
		{"a", []int64{a.ID}, at(time.Minute + 7*time.Millisecond)},
		{"b", []int64{b.ID}, at(2 * time.Minute)},
		{"a and c", []int64{a.ID, c.ID}, at(time.Minute + 7*time.Millisecond)},
		{"none", []int64{}, time.Time{}},
	}
	for _, st := range steps {
		last, err := s.LastChange(ctx, st.ids)
		if err != nil {
			t.Fatalf("LastChange(%s): %v", st.name, err)
		}
		if !last.Equal(st.want) {
			t.Errorf("LastChange(%s) = %v, want %v", st.name, last, st.want)
		}
	}

	// A new revision is a change, even of an old article.
	save(t, s, article(a, 0, "a1", "A1, corrected", at(-5*time.Hour), at(3*time.Minute)))
	if last, _ := s.LastChange(ctx, []int64{a.ID}); !last.Equal(at(3 * time.Minute)) {
		t.Errorf("LastChange(a) after a revision = %v, want %v", last, at(3*time.Minute))
	}
	if last, _ := s.LastChange(ctx, nil); !last.Equal(at(3 * time.Minute)) {
		t.Errorf("LastChange(all) after a revision = %v, want %v", last, at(3*time.Minute))
	}
	if last, _ := s.LastChange(ctx, []int64{b.ID}); !last.Equal(at(2 * time.Minute)) {
		t.Errorf("LastChange(b) after a revision of a = %v, want %v", last, at(2*time.Minute))
	}
}

func testSetRevisionHTML(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "a")
	a := article(src, 0, "k1", "Ferry", at(-time.Hour), t0)
	save(t, s, a)

	summary, body := `<p>Summary <img src="/media/1.png"></p>`, `<p>Body <img src="/media/1.png"></p>`
	if err := s.SetRevisionHTML(ctx, a.ID, 1, summary, body, at(time.Hour)); err != nil {
		t.Fatalf("SetRevisionHTML: %v", err)
	}
	got := getArticle(t, s, a.ID)
	if got.Summary != summary || got.Content != body || got.Revisions != 1 || got.Text != a.Text || got.Hash != a.Hash {
		t.Errorf("article after SetRevisionHTML: summary %q content %q revisions %d text %q hash %q",
			got.Summary, got.Content, got.Revisions, got.Text, got.Hash)
	}
	revs, err := s.Revisions(ctx, a.ID)
	if err != nil || len(revs) != 1 || revs[0].Content != body || revs[0].Summary != summary {
		t.Errorf("revisions after SetRevisionHTML: %+v, %v; want the one revision, replaced", revs, err)
	}
	if last, _ := s.LastChange(ctx, nil); !last.Equal(at(time.Hour)) {
		t.Errorf("LastChange = %v, want %v", last, at(time.Hour))
	}

	// A newer revision: the old one's images are not written over it.
	v2 := article(src, 0, "k1", "Ferry", at(-time.Hour), at(2*time.Hour))
	v2.Content, v2.Hash = "<p>Edited body.</p>", "h:edited"
	save(t, s, v2)
	err = s.SetRevisionHTML(ctx, a.ID, 1, summary, body, at(3*time.Hour))
	if !errors.Is(err, crosswire.ErrConflict) {
		t.Errorf("SetRevisionHTML(stale revision) = %v, want ErrConflict", err)
	}
	if got := getArticle(t, s, a.ID); got.Content != "<p>Edited body.</p>" {
		t.Errorf("current content after a stale SetRevisionHTML: %q", got.Content)
	}
	wantNotFound(t, "SetRevisionHTML(unknown article)", s.SetRevisionHTML(ctx, a.ID+1000, 1, "", "", t0))
}
