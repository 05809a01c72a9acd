package storetest

import (
	"context"
	"testing"
	"time"

	"crosswire"
)

func testPutSourceRoundTrip(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	tests := []struct {
		name string
		src  crosswire.Source
	}{
		{"every field set", crosswire.Source{
			Slug:           "rt",
			Name:           "RT",
			Homepage:       "https://www.rt.com/",
			Country:        "RU",
			Ownership:      crosswire.OwnershipStateOwned,
			Language:       "ru",
			Perspective:    "russia-state",
			Disclaimer:     "RT is funded by the Russian state.\n\n*Republished for comparison.*",
			Republish:      true,
			RepublishFrom:  at(-48 * time.Hour),
			RepublishUntil: at(30*24*time.Hour + 250*time.Millisecond),
			Paused:         true,
			FullText:       crosswire.FullTextAlways,
			MirrorMedia:    true,
			Rules: crosswire.Rules{
				Content:      []string{"article .content", "div.main"},
				Remove:       []string{".read-more", "aside"},
				RewriteLinks: []crosswire.LinkRewrite{{From: "https://mirror.example/", To: "https://www.rt.com/"}},
				StripAttrs:   []string{"style", "data-track"},
			},
			CreatedAt: at(-time.Hour),
			UpdatedAt: at(-time.Minute),
		}},
		{"zero times and empty rules", crosswire.Source{
			Slug:      "bbc",
			Name:      "BBC News",
			Ownership: crosswire.OwnershipPublic,
			FullText:  crosswire.FullTextNever,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if err := s.PutSource(ctx, &src); err != nil {
				t.Fatalf("PutSource: %v", err)
			}
			if src.ID == 0 {
				t.Fatal("PutSource did not set ID")
			}
			want := tt.src
			want.ID = src.ID
			byID, err := s.SourceByID(ctx, src.ID)
			if err != nil {
				t.Fatalf("SourceByID: %v", err)
			}
			checkEqual(t, "SourceByID", byID, want)
			bySlug, err := s.SourceBySlug(ctx, src.Slug)
			if err != nil {
				t.Fatalf("SourceBySlug: %v", err)
			}
			checkEqual(t, "SourceBySlug", bySlug, want)
		})
	}
}

func testPutSourceUpdatesBySlug(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	first := putSource(t, s, "dw", func(src *crosswire.Source) {
		src.Republish = true
		src.RepublishFrom = at(-time.Hour)
		src.Rules = crosswire.Rules{Remove: []string{".ad"}}
	})
	other := putSource(t, s, "other")

	changed := crosswire.Source{
		Slug:           "dw",
		Name:           "Deutsche Welle",
		Homepage:       "https://www.dw.com/",
		Country:        "DE",
		Ownership:      crosswire.OwnershipPublic,
		Language:       "de",
		Disclaimer:     "Funded by the German federal budget.",
		Republish:      true,
		RepublishFrom:  at(time.Hour),
		RepublishUntil: at(48 * time.Hour),
		Paused:         true,
		FullText:       crosswire.FullTextNever,
		MirrorMedia:    true,
		Rules:          crosswire.Rules{Content: []string{"article"}, StripAttrs: []string{"class"}},
		CreatedAt:      at(time.Hour), // a later CreatedAt does not replace the first one
		UpdatedAt:      at(time.Hour),
	}
	upd := changed
	if err := s.PutSource(ctx, &upd); err != nil {
		t.Fatalf("PutSource (update): %v", err)
	}
	if upd.ID != first.ID {
		t.Errorf("update set ID %d, want the existing source's %d", upd.ID, first.ID)
	}
	got, err := s.SourceBySlug(ctx, "dw")
	if err != nil {
		t.Fatalf("SourceBySlug: %v", err)
	}
	want := changed
	want.ID = first.ID
	want.CreatedAt = first.CreatedAt
	checkEqual(t, "updated source", got, want)

	all, err := s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	if len(all) != 2 {
		t.Fatalf("Sources lists %d sources after an update, want 2", len(all))
	}
	if o, err := s.SourceByID(ctx, other.ID); err != nil || o.Name != other.Name {
		t.Errorf("other source after update: %+v, %v", o, err)
	}
}

func testSourcesOrderedByName(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	all, err := s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources on an empty store: %v", err)
	}
	if len(all) != 0 {
		t.Fatalf("Sources on an empty store: %d sources", len(all))
	}
	names := map[string]string{"c": "Zeit Online", "a": "Meduza", "b": "Al Jazeera", "d": "Novaya Gazeta"}
	for _, slug := range []string{"a", "b", "c", "d"} {
		putSource(t, s, slug, func(src *crosswire.Source) { src.Name = names[slug] })
	}
	all, err = s.Sources(ctx)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	var got []string
	for _, src := range all {
		got = append(got, src.Name)
	}
	want := []string{"Al Jazeera", "Meduza", "Novaya Gazeta", "Zeit Online"}
	checkEqual(t, "source names", got, want)
}

func testSetSourcePaused(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "meduza")
	for _, paused := range []bool{true, false, true} {
		if err := s.SetSourcePaused(ctx, "meduza", paused); err != nil {
			t.Fatalf("SetSourcePaused(%v): %v", paused, err)
		}
		got, err := s.SourceByID(ctx, src.ID)
		if err != nil {
			t.Fatalf("SourceByID: %v", err)
		}
		if got.Paused != paused {
			t.Errorf("after SetSourcePaused(%v): Paused = %v", paused, got.Paused)
		}
		want := src
		want.Paused = paused
		checkEqual(t, "paused source", got, want)
	}
	wantNotFound(t, "SetSourcePaused(unknown)", s.SetSourcePaused(ctx, "nope", true))
}

func testSourceNotFound(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	src := putSource(t, s, "known")
	_, err := s.SourceByID(ctx, src.ID+1000)
	wantNotFound(t, "SourceByID(unknown)", err)
	_, err = s.SourceBySlug(ctx, "unknown")
	wantNotFound(t, "SourceBySlug(unknown)", err)
	wantNotFound(t, "DeleteSource(unknown)", s.DeleteSource(ctx, "unknown"))
}

func testDeleteSourceCascades(t *testing.T, s crosswire.Store) {
	ctx := context.Background()
	gone := putSource(t, s, "gone")
	kept := putSource(t, s, "kept")
	goneFeed := putFeed(t, s, gone.ID, "https://gone.example/rss")
	keptFeed := putFeed(t, s, kept.ID, "https://kept.example/rss")

	g1 := article(gone, goneFeed.ID, "g1", "Gone one", at(-time.Hour), t0)
	g2 := article(gone, goneFeed.ID, "g2", "Gone two", at(-2*time.Hour), t0)
	k1 := article(kept, keptFeed.ID, "k1", "Kept one", at(-3*time.Hour), t0)
	save(t, s, g1, g2)
	save(t, s, k1)
	g1v2 := article(gone, goneFeed.ID, "g1", "Gone one, corrected", at(-time.Hour), at(time.Minute))
	save(t, s, g1v2)

	// One story only the deleted source is in, one shared with the kept one.
	only := crosswire.Story{Title: "only gone"}
	shared := crosswire.Story{Title: "shared"}
	for _, st := range []*crosswire.Story{&only, &shared} {
		if err := s.CreateStory(ctx, st); err != nil {
			t.Fatalf("CreateStory: %v", err)
		}
	}
	for _, a := range []crosswire.StoryAssignment{
		{ArticleID: g2.ID, StoryID: only.ID, Score: 1, AssignedAt: t0},
		{ArticleID: g1.ID, StoryID: shared.ID, Score: 1, AssignedAt: t0},
		{ArticleID: k1.ID, StoryID: shared.ID, Score: 0.5, AssignedAt: t0},
	} {
		assign(t, s, a)
	}

	if err := s.DeleteSource(ctx, "gone"); err != nil {
		t.Fatalf("DeleteSource: %v", err)
	}

	_, err := s.SourceBySlug(ctx, "gone")
	wantNotFound(t, "deleted source", err)
	_, err = s.FeedByID(ctx, goneFeed.ID)
	wantNotFound(t, "feed of deleted source", err)
	for _, a := range []*crosswire.Article{g1, g2} {
		_, err = s.Article(ctx, a.ID)
		wantNotFound(t, "article of deleted source", err)
		_, err = s.Revisions(ctx, a.ID)
		wantNotFound(t, "revisions of deleted source", err)
		_, err = s.Assignment(ctx, a.ID)
		wantNotFound(t, "story assignment of deleted article", err)
	}
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{}); err != nil || n != 1 {
		t.Errorf("CountArticles after delete = %d, %v; want 1", n, err)
	}
	feeds, err := s.Feeds(ctx, 0)
	if err != nil || len(feeds) != 1 || feeds[0].ID != keptFeed.ID {
		t.Errorf("Feeds(0) after delete = %+v, %v; want only the kept feed", feeds, err)
	}
	_, err = s.Story(ctx, only.ID)
	wantNotFound(t, "story left empty by DeleteSource", err)
	st, err := s.Story(ctx, shared.ID)
	if err != nil {
		t.Fatalf("shared story after delete: %v", err)
	}
	if st.Articles != 1 || st.Sources != 1 {
		t.Errorf("shared story after delete: %d articles, %d sources; want 1, 1", st.Articles, st.Sources)
	}
	if got := getArticle(t, s, k1.ID); got.StoryID != shared.ID {
		t.Errorf("kept article's story = %d, want %d", got.StoryID, shared.ID)
	}
	if last, err := s.LastChange(ctx, nil); err != nil || !last.Equal(t0) {
		t.Errorf("LastChange after delete = %v, %v; want %v (the kept article)", last, err, t0)
	}

	// The slug is free again.
	again := putSource(t, s, "gone")
	if n, err := s.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{again.ID}}); err != nil || n != 0 {
		t.Errorf("re-created source has %d articles (%v), want 0", n, err)
	}
	if err := s.DeleteSource(ctx, "gone"); err != nil {
		t.Errorf("DeleteSource of a source without articles: %v", err)
	}
	wantNotFound(t, "DeleteSource twice", s.DeleteSource(ctx, "gone"))
}
