package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"crosswire"
)

func createStory(t testing.TB, s crosswire.Store, title string) crosswire.Story {
	t.Helper()
	st := crosswire.Story{Title: title, UpdatedAt: t0}
	if err := s.CreateStory(context.Background(), &st); err != nil {
		t.Fatalf("CreateStory(%q): %v", title, err)
	}
	if st.ID == 0 {
		t.Fatalf("CreateStory(%q) did not set ID", title)
	}
	return st
}

func assign(t testing.TB, s crosswire.Store, a crosswire.StoryAssignment) {
	t.Helper()
	if err := s.AssignArticles(context.Background(), []crosswire.StoryAssignment{a}); err != nil {
		t.Fatalf("AssignArticles(%d -> %d): %v", a.ArticleID, a.StoryID, err)
	}
}

func getStory(t testing.TB, s crosswire.Store, id int64) crosswire.Story {
	t.Helper()
	st, err := s.Story(context.Background(), id)
	if err != nil {
		t.Fatalf("Story(%d): %v", id, err)
	}
	return st
}

func testCreateStoryAndAssign(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	created := crosswire.Story{Title: "Flooding in the north", FirstAt: at(-time.Hour), LastAt: at(-time.Hour),
		Articles: 0, Sources: 0, UpdatedAt: at(-time.Minute)}
	st := created
	if err := s.CreateStory(ctx, &st); err != nil {
		t.Fatalf("CreateStory: %v", err)
	}
	created.ID = st.ID
	checkEqual(t, "created story", getStory(t, s, st.ID), created)

	a := putSource(t, s, "a")
	b := putSource(t, s, "b")
	a1 := article(a, 0, "a1", "Floods", at(-3*time.Hour), t0)
	a2 := article(a, 0, "a2", "Floods, day two", time.Time{}, at(time.Minute)) // display time: first seen
	b1 := article(b, 0, "b1", "Flooding", at(-2*time.Hour), t0)
	save(t, s, a1, a2)
	save(t, s, b1)

	asg := crosswire.StoryAssignment{ArticleID: a1.ID, StoryID: st.ID, Score: 1, Terms: []string{"flood", "north"},
		AssignedAt: at(time.Hour)}
	assign(t, s, asg)
	got, err := s.Assignment(ctx, a1.ID)
	if err != nil {
		t.Fatalf("Assignment: %v", err)
	}
	checkEqual(t, "assignment", got, asg)
	if art := getArticle(t, s, a1.ID); art.StoryID != st.ID {
		t.Errorf("article StoryID = %d, want %d", art.StoryID, st.ID)
	}
	want := crosswire.Story{ID: st.ID, Title: created.Title, FirstAt: at(-3 * time.Hour), LastAt: at(-3 * time.Hour),
		Articles: 1, Sources: 1, UpdatedAt: at(time.Hour)}
	checkEqual(t, "story with one article", getStory(t, s, st.ID), want)

	assign(t, s, crosswire.StoryAssignment{ArticleID: a2.ID, StoryID: st.ID, Score: 0.42, Terms: []string{"flood"},
		AssignedAt: at(2 * time.Hour)})
	manual := crosswire.StoryAssignment{ArticleID: b1.ID, StoryID: st.ID, Score: 0.3, Manual: true,
		AssignedAt: at(3 * time.Hour)}
	assign(t, s, manual)
	want = crosswire.Story{ID: st.ID, Title: created.Title, FirstAt: at(-3 * time.Hour), LastAt: at(time.Minute),
		Articles: 3, Sources: 2, UpdatedAt: at(3 * time.Hour)}
	checkEqual(t, "story with three articles", getStory(t, s, st.ID), want)
	if got, err := s.Assignment(ctx, b1.ID); err != nil || !got.Manual || len(got.Terms) != 0 {
		t.Errorf("manual assignment = %+v, %v", got, err)
	}

	// Assigning again to the same story updates the assignment only.
	re := asg
	re.Score, re.Terms, re.AssignedAt = 0.9, []string{"north"}, at(4*time.Hour)
	assign(t, s, re)
	got, err = s.Assignment(ctx, a1.ID)
	if err != nil {
		t.Fatalf("Assignment: %v", err)
	}
	checkEqual(t, "re-assignment", got, re)
	if st := getStory(t, s, st.ID); st.Articles != 3 || st.Sources != 2 {
		t.Errorf("after re-assigning: %d articles, %d sources; want 3, 2", st.Articles, st.Sources)
	}

	_, err = s.Story(ctx, st.ID+1000)
	wantNotFound(t, "Story(unknown)", err)
	_, err = s.Assignment(ctx, a1.ID+1000)
	wantNotFound(t, "Assignment(unknown article)", err)
	unassigned := article(b, 0, "b2", "Unrelated", at(-time.Hour), t0)
	save(t, s, unassigned)
	_, err = s.Assignment(ctx, unassigned.ID)
	wantNotFound(t, "Assignment(unassigned article)", err)
}

func testAssignMovesArticle(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	a := putSource(t, s, "a")
	b := putSource(t, s, "b")
	a1 := article(a, 0, "a1", "One", at(-3*time.Hour), t0)
	a2 := article(a, 0, "a2", "Two", at(-2*time.Hour), t0)
	b1 := article(b, 0, "b1", "Three", at(-time.Hour), t0)
	save(t, s, a1, a2)
	save(t, s, b1)
	x := createStory(t, s, "x")
	y := createStory(t, s, "y")
	assign(t, s, crosswire.StoryAssignment{ArticleID: a1.ID, StoryID: x.ID, AssignedAt: t0})
	assign(t, s, crosswire.StoryAssignment{ArticleID: b1.ID, StoryID: x.ID, AssignedAt: t0})
	assign(t, s, crosswire.StoryAssignment{ArticleID: a2.ID, StoryID: y.ID, AssignedAt: t0})

	// b1 moves from x to y: both stories are recounted.
	assign(t, s, crosswire.StoryAssignment{ArticleID: b1.ID, StoryID: y.ID, Score: 0.7, AssignedAt: at(time.Hour)})
	checkEqual(t, "story left", getStory(t, s, x.ID), crosswire.Story{ID: x.ID, Title: "x",
		FirstAt: at(-3 * time.Hour), LastAt: at(-3 * time.Hour), Articles: 1, Sources: 1, UpdatedAt: at(time.Hour)})
	checkEqual(t, "story joined", getStory(t, s, y.ID), crosswire.Story{ID: y.ID, Title: "y",
		FirstAt: at(-2 * time.Hour), LastAt: at(-time.Hour), Articles: 2, Sources: 2, UpdatedAt: at(time.Hour)})
	if got := getArticle(t, s, b1.ID); got.StoryID != y.ID {
		t.Errorf("moved article StoryID = %d, want %d", got.StoryID, y.ID)
	}
	if got, _ := s.Assignment(ctx, b1.ID); got.StoryID != y.ID || got.Score != 0.7 {
		t.Errorf("moved assignment = %+v", got)
	}
	ids := func(q crosswire.ArticleQuery) []int64 {
		arts, err := s.Articles(ctx, q)
		if err != nil {
			t.Fatalf("Articles: %v", err)
		}
		var out []int64
		for _, a := range arts {
			out = append(out, a.ID)
		}
		return out
	}
	checkEqual(t, "articles of x", ids(crosswire.ArticleQuery{StoryID: x.ID}), []int64{a1.ID})
	checkEqual(t, "articles of y", ids(crosswire.ArticleQuery{StoryID: y.ID}), []int64{b1.ID, a2.ID})

	// a1 leaves x, its last article: x is deleted.
	assign(t, s, crosswire.StoryAssignment{ArticleID: a1.ID, StoryID: y.ID, AssignedAt: at(2 * time.Hour)})
	_, err := s.Story(ctx, x.ID)
	wantNotFound(t, "story left empty", err)
	if st := getStory(t, s, y.ID); st.Articles != 3 || st.Sources != 2 || !st.FirstAt.Equal(at(-3*time.Hour)) {
		t.Errorf("story y after the second move: %+v", st)
	}
	if n, _ := s.CountArticles(ctx, crosswire.ArticleQuery{StoryID: x.ID}); n != 0 {
		t.Errorf("deleted story still has %d articles", n)
	}
}

func testAssignNotFound(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "src")
	a := article(src, 0, "a", "A", at(-time.Hour), t0)
	save(t, s, a)
	st := createStory(t, s, "st")
	err := s.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: a.ID + 1000, StoryID: st.ID, AssignedAt: t0}})
	wantNotFound(t, "AssignArticles(unknown article)", err)
	err = s.AssignArticles(ctx, []crosswire.StoryAssignment{{ArticleID: a.ID, StoryID: st.ID + 1000, AssignedAt: t0}})
	wantNotFound(t, "AssignArticles(unknown story)", err)

	// A batch is all or nothing: the good assignment and the new story
	// before the unknown article are not stored either.
	fresh := &crosswire.Story{Title: "fresh", UpdatedAt: t0}
	err = s.AssignArticles(ctx, []crosswire.StoryAssignment{
		{ArticleID: a.ID, NewStory: fresh, AssignedAt: t0},
		{ArticleID: a.ID + 1000, StoryID: st.ID, AssignedAt: t0},
	})
	wantNotFound(t, "AssignArticles(batch with an unknown article)", err)
	if fresh.ID != 0 {
		t.Errorf("a rolled-back new story kept ID %d", fresh.ID)
	}
	if list, _ := s.Stories(ctx, crosswire.StoryQuery{}); len(list) != 1 || list[0].ID != st.ID {
		t.Errorf("stories after a failed batch = %+v, want only %d", list, st.ID)
	}
	if got := getArticle(t, s, a.ID); got.StoryID != 0 {
		t.Errorf("failed assignment left StoryID %d", got.StoryID)
	}
	if _, err := s.Assignment(ctx, a.ID); err == nil {
		t.Error("failed assignment was recorded")
	}
}

func testStoriesQuery(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	srcs := []crosswire.Source{putSource(t, s, "s0"), putSource(t, s, "s1"), putSource(t, s, "s2")}
	// Story i has articles from the first n[i] sources, the newest from
	// source 0 published i hours ago.
	n := []int{1, 3, 2, 3, 1}
	var stories []crosswire.Story
	for i, count := range n {
		st := createStory(t, s, fmt.Sprintf("story %d", i))
		for j := range count {
			a := article(srcs[j], 0, fmt.Sprintf("st%d-s%d", i, j), fmt.Sprintf("Story %d from %d", i, j),
				at(-time.Duration(i)*time.Hour-time.Duration(j)*time.Minute), t0)
			save(t, s, a)
			assign(t, s, crosswire.StoryAssignment{ArticleID: a.ID, StoryID: st.ID, AssignedAt: t0})
		}
		stories = append(stories, getStory(t, s, st.ID))
	}
	// An empty story just created is not "active" and sorts last.
	empty := createStory(t, s, "empty")

	tests := []struct {
		name string
		q    crosswire.StoryQuery
		want []int // indexes into stories; -1 is the empty one
	}{
		{"all, most recent first", crosswire.StoryQuery{}, []int{0, 1, 2, 3, 4, -1}},
		{"at least two sources", crosswire.StoryQuery{MinSources: 2}, []int{1, 2, 3}},
		{"exactly three", crosswire.StoryQuery{MinSources: 3, MaxSources: 3}, []int{1, 3}},
		{"at most one", crosswire.StoryQuery{MaxSources: 1}, []int{0, 4, -1}},
		{"since", crosswire.StoryQuery{Since: at(-2 * time.Hour)}, []int{0, 1, 2}},
		{"paged", crosswire.StoryQuery{Limit: 2, Offset: 1}, []int{1, 2}},
		{"sources 1 and 2", crosswire.StoryQuery{SourceIDs: []int64{srcs[1].ID, srcs[2].ID}}, []int{1, 2, 3}},
		{"sources 1 and 2, both", crosswire.StoryQuery{SourceIDs: []int64{srcs[1].ID, srcs[2].ID}, MinSources: 2}, []int{1, 3}},
		{"source 2, paged", crosswire.StoryQuery{SourceIDs: []int64{srcs[2].ID}, Limit: 1, Offset: 1}, []int{3}},
		{"no sources", crosswire.StoryQuery{SourceIDs: []int64{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Stories(ctx, tt.q)
			if err != nil {
				t.Fatalf("Stories: %v", err)
			}
			var gotIDs, wantIDs []int64
			for _, st := range got {
				gotIDs = append(gotIDs, st.ID)
			}
			for _, i := range tt.want {
				if i < 0 {
					wantIDs = append(wantIDs, empty.ID)
				} else {
					wantIDs = append(wantIDs, stories[i].ID)
				}
			}
			checkEqual(t, "story IDs", gotIDs, wantIDs)
		})
	}

	// Unfiltered, a listed story is the stored one.
	all, err := s.Stories(ctx, crosswire.StoryQuery{Limit: 2})
	if err != nil || len(all) != 2 {
		t.Fatalf("Stories(limit 2) = %d, %v", len(all), err)
	}
	checkEqual(t, "listed story", all[1], stories[1])

	// Restricted to sources, counts and times are those sources' only.
	got, err := s.Stories(ctx, crosswire.StoryQuery{SourceIDs: []int64{srcs[1].ID, srcs[2].ID}, Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("Stories(sources 1 and 2) = %d, %v", len(got), err)
	}
	want := crosswire.Story{ID: stories[1].ID, Title: stories[1].Title,
		FirstAt: at(-time.Hour - 2*time.Minute), LastAt: at(-time.Hour - time.Minute),
		Articles: 2, Sources: 2, UpdatedAt: stories[1].UpdatedAt}
	checkEqual(t, "story counted for two sources", got[0], want)
}

func testClearAutomaticAssignments(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	a := putSource(t, s, "a")
	b := putSource(t, s, "b")
	var arts []*crosswire.Article
	for i := range 6 {
		src := a
		if i%2 == 1 {
			src = b
		}
		arts = append(arts, article(src, 0, fmt.Sprintf("c%d", i), fmt.Sprintf("C %d", i), at(-time.Duration(i)*time.Hour), t0))
	}
	save(t, s, arts[0], arts[2], arts[4])
	save(t, s, arts[1], arts[3], arts[5])
	auto := createStory(t, s, "automatic only")
	mixed := createStory(t, s, "mixed")
	unused := createStory(t, s, "never assigned")
	for _, asg := range []crosswire.StoryAssignment{
		{ArticleID: arts[0].ID, StoryID: auto.ID, Score: 1},
		{ArticleID: arts[1].ID, StoryID: auto.ID, Score: 0.5},
		{ArticleID: arts[2].ID, StoryID: mixed.ID, Score: 1},
		{ArticleID: arts[3].ID, StoryID: mixed.ID, Manual: true},
		{ArticleID: arts[5].ID, StoryID: mixed.ID, Manual: true},
	} {
		asg.AssignedAt = at(time.Hour)
		assign(t, s, asg)
	}

	if err := s.ClearAutomaticAssignments(ctx); err != nil {
		t.Fatalf("ClearAutomaticAssignments: %v", err)
	}
	for _, i := range []int{0, 1, 2, 4} {
		_, err := s.Assignment(ctx, arts[i].ID)
		wantNotFound(t, fmt.Sprintf("automatic assignment %d after clearing", i), err)
		if got := getArticle(t, s, arts[i].ID); got.StoryID != 0 {
			t.Errorf("article %d keeps StoryID %d after clearing", i, got.StoryID)
		}
	}
	for _, i := range []int{3, 5} {
		got, err := s.Assignment(ctx, arts[i].ID)
		if err != nil || !got.Manual || got.StoryID != mixed.ID {
			t.Errorf("manual assignment %d after clearing: %+v, %v", i, got, err)
		}
		if got := getArticle(t, s, arts[i].ID); got.StoryID != mixed.ID {
			t.Errorf("article %d StoryID %d after clearing, want %d", i, got.StoryID, mixed.ID)
		}
	}
	_, err := s.Story(ctx, auto.ID)
	wantNotFound(t, "story with only automatic assignments", err)
	_, err = s.Story(ctx, unused.ID)
	wantNotFound(t, "story without assignments", err)
	checkEqual(t, "story keeping its manual articles", getStory(t, s, mixed.ID), crosswire.Story{
		ID: mixed.ID, Title: "mixed", FirstAt: at(-5 * time.Hour), LastAt: at(-3 * time.Hour),
		Articles: 2, Sources: 1, UpdatedAt: at(time.Hour)})
	if n, _ := s.CountArticles(ctx, crosswire.ArticleQuery{}); n != 6 {
		t.Errorf("clearing assignments left %d articles, want 6", n)
	}
	// Clearing again changes nothing.
	if err := s.ClearAutomaticAssignments(ctx); err != nil {
		t.Fatalf("ClearAutomaticAssignments again: %v", err)
	}
	if st := getStory(t, s, mixed.ID); st.Articles != 2 {
		t.Errorf("second clear: mixed story has %d articles", st.Articles)
	}
}

func testNewRevisionRefreshesStory(t *testing.T, s crosswire.Store) {
	src := putSource(t, s, "src")
	a := article(src, 0, "k", "First", at(-3*time.Hour), t0)
	save(t, s, a)
	st := createStory(t, s, "st")
	assign(t, s, crosswire.StoryAssignment{ArticleID: a.ID, StoryID: st.ID, AssignedAt: t0})
	// The outlet re-dates the article with its update.
	save(t, s, article(src, 0, "k", "First, updated", at(-time.Hour), at(time.Hour)))
	got := getStory(t, s, st.ID)
	if !got.FirstAt.Equal(at(-time.Hour)) || !got.LastAt.Equal(at(-time.Hour)) || got.Articles != 1 {
		t.Errorf("story after its article's new version: %+v; want times %v", got, at(-time.Hour))
	}
	if art := getArticle(t, s, a.ID); art.StoryID != st.ID {
		t.Errorf("new version lost the story: StoryID %d", art.StoryID)
	}
}

func testUngroupedArticles(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	a := putSource(t, s, "a")
	var arts []*crosswire.Article
	for i, key := range []string{"u1", "u2", "u3", "u4"} {
		arts = append(arts, article(a, 0, key, key, at(time.Duration(i)*time.Hour), t0))
	}
	save(t, s, arts...)
	x := createStory(t, s, "x")
	assign(t, s, crosswire.StoryAssignment{ArticleID: arts[1].ID, StoryID: x.ID, AssignedAt: t0})
	list := func(after int64, limit int) []int64 {
		t.Helper()
		arts, err := s.UngroupedArticles(ctx, after, limit)
		if err != nil {
			t.Fatalf("UngroupedArticles: %v", err)
		}
		var ids []int64
		for _, a := range arts {
			if a.StoryID != 0 {
				t.Errorf("UngroupedArticles listed article %d of story %d", a.ID, a.StoryID)
			}
			ids = append(ids, a.ID)
		}
		return ids
	}
	if got, err := s.UngroupedArticles(ctx, 0, 1); err != nil || len(got) != 1 {
		t.Fatalf("UngroupedArticles(0, 1) = %d articles, %v", len(got), err)
	} else {
		full := getArticle(t, s, arts[0].ID)
		want := crosswire.Article{ID: full.ID, SourceID: full.SourceID, Title: full.Title, Text: full.Text,
			Language: full.Language, PublishedAt: full.PublishedAt, FirstSeenAt: full.FirstSeenAt}
		checkEqual(t, "ungrouped article, the fields grouping reads", got[0], want)
	}
	checkEqual(t, "all ungrouped, oldest first", list(0, 10), []int64{arts[0].ID, arts[2].ID, arts[3].ID})
	checkEqual(t, "limit", list(0, 2), []int64{arts[0].ID, arts[2].ID})
	checkEqual(t, "after a cursor", list(arts[2].ID, 10), []int64{arts[3].ID})
}

func testAssignBatch(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	a := putSource(t, s, "a")
	b := putSource(t, s, "b")
	a1 := article(a, 0, "a1", "One", at(-3*time.Hour), t0)
	a2 := article(a, 0, "a2", "Two", at(-2*time.Hour), t0)
	b1 := article(b, 0, "b1", "Three", at(-time.Hour), t0)
	b2 := article(b, 0, "b2", "Four", at(-30*time.Minute), t0)
	save(t, s, a1, a2)
	save(t, s, b1, b2)
	x := createStory(t, s, "x")
	assign(t, s, crosswire.StoryAssignment{ArticleID: b2.ID, StoryID: x.ID, AssignedAt: t0})

	// Two new stories, one shared by two assignments; b2 leaves x (which
	// is deleted, empty); a2 is assigned twice and the later one stands.
	n1 := &crosswire.Story{Title: "n1", UpdatedAt: t0}
	n2 := &crosswire.Story{Title: "n2", UpdatedAt: t0}
	batch := []crosswire.StoryAssignment{
		{ArticleID: a1.ID, NewStory: n1, Score: 1, Terms: []string{"one"}, AssignedAt: at(time.Hour)},
		{ArticleID: b1.ID, NewStory: n1, Score: 0.5, AssignedAt: at(time.Hour)},
		{ArticleID: a2.ID, NewStory: n2, Score: 1, AssignedAt: at(time.Hour)},
		{ArticleID: b2.ID, StoryID: 0, NewStory: n2, Score: 0.25, AssignedAt: at(2 * time.Hour)},
		{ArticleID: a2.ID, NewStory: n1, Score: 0.75, AssignedAt: at(time.Hour)},
	}
	if err := s.AssignArticles(ctx, batch); err != nil {
		t.Fatalf("AssignArticles: %v", err)
	}
	if n1.ID == 0 || n2.ID == 0 || n1.ID == n2.ID {
		t.Fatalf("new story IDs %d, %d", n1.ID, n2.ID)
	}
	for i, as := range batch {
		if want := as.NewStory.ID; as.StoryID != want {
			t.Errorf("batch[%d].StoryID = %d, want %d", i, as.StoryID, want)
		}
	}
	checkEqual(t, "shared new story", getStory(t, s, n1.ID), crosswire.Story{ID: n1.ID, Title: "n1",
		FirstAt: at(-3 * time.Hour), LastAt: at(-time.Hour), Articles: 3, Sources: 2, UpdatedAt: at(2 * time.Hour)})
	checkEqual(t, "second new story", getStory(t, s, n2.ID), crosswire.Story{ID: n2.ID, Title: "n2",
		FirstAt: at(-30 * time.Minute), LastAt: at(-30 * time.Minute), Articles: 1, Sources: 1, UpdatedAt: at(2 * time.Hour)})
	_, err := s.Story(ctx, x.ID)
	wantNotFound(t, "story left empty by the batch", err)
	if got, _ := s.Assignment(ctx, a2.ID); got.StoryID != n1.ID || got.Score != 0.75 {
		t.Errorf("twice-assigned article: %+v, want story %d score 0.75", got, n1.ID)
	}
	if got, _ := s.Assignment(ctx, a1.ID); !slices.Equal(got.Terms, []string{"one"}) {
		t.Errorf("terms of a1's assignment = %q", got.Terms)
	}
	for _, c := range []struct {
		art   *crosswire.Article
		story int64
	}{{a1, n1.ID}, {a2, n1.ID}, {b1, n1.ID}, {b2, n2.ID}} {
		if got := getArticle(t, s, c.art.ID); got.StoryID != c.story {
			t.Errorf("article %s: StoryID %d, want %d", c.art.Key, got.StoryID, c.story)
		}
	}

	// An empty batch is no error and stores nothing.
	if err := s.AssignArticles(ctx, nil); err != nil {
		t.Errorf("AssignArticles(nil) = %v", err)
	}
}
