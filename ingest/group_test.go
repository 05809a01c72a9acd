package ingest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"crosswire"
	"crosswire/sqlite"
	"crosswire/story"
)

// TestGroupingSurvivesMergedStory: after an operator merges the story the
// live grouper is building into another one, the next matching articles
// follow the merge instead of failing on a story that no longer exists.
func TestGroupingSurvivesMergedStory(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var sources []crosswire.Source
	for _, slug := range []string{"wire", "broadcaster", "daily", "agency"} {
		s := crosswire.Source{Slug: slug, Name: slug, Ownership: crosswire.OwnershipPrivate, Language: "en", Republish: true}
		if err := st.PutSource(ctx, &s); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, s)
	}
	save := func(src crosswire.Source, key, title, text string, at time.Time) *crosswire.Article {
		a := &crosswire.Article{SourceID: src.ID, Key: key, Title: title, Text: text, Language: "en", Hash: key, PublishedAt: at, FirstSeenAt: at, LastSeenAt: at}
		if _, err := st.SaveArticles(ctx, []*crosswire.Article{a}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	gr, err := NewGrouping(ctx, st, story.NewGrouper(story.DefaultOptions()), clock)
	if err != nil {
		t.Fatal(err)
	}
	quake := "A magnitude 6.9 earthquake struck southern Peru near Arequipa on Saturday, killing at least 5 people and damaging hundreds of homes, officials said."
	a1 := save(sources[0], "a1", "Magnitude 6.9 earthquake strikes southern Peru near Arequipa, 5 dead", quake, now.Add(-3*time.Hour))
	a2 := save(sources[1], "a2", "Peru earthquake: five killed as 6.9 quake hits Arequipa region", quake, now.Add(-2*time.Hour))
	other := save(sources[2], "o1", "Central bank raises key rate to 21% to fight inflation", "The central bank raised its key rate by 200 basis points to 21% on Friday.", now.Add(-2*time.Hour))
	if err := gr.Assign(ctx, []*crosswire.Article{a1}); err != nil {
		t.Fatal(err)
	}
	if err := gr.Assign(ctx, []*crosswire.Article{a2}); err != nil {
		t.Fatal(err)
	}
	if err := gr.Assign(ctx, []*crosswire.Article{other}); err != nil {
		t.Fatal(err)
	}
	if a1.StoryID == 0 || a1.StoryID != a2.StoryID || other.StoryID == a1.StoryID {
		t.Fatalf("stories: quake %d/%d, other %d", a1.StoryID, a2.StoryID, other.StoryID)
	}
	// The operator merges the quake story into the other one: the quake
	// story is deleted.
	if _, err := story.Merge(ctx, st, other.StoryID, []int64{a1.StoryID}, now); err != nil {
		t.Fatal(err)
	}
	a3 := save(sources[3], "a3", "Death toll from Peru's 6.9 earthquake near Arequipa rises to 5", quake, now.Add(-time.Hour))
	if err := gr.Assign(ctx, []*crosswire.Article{a3}); err != nil {
		t.Fatalf("grouping after a merge: %v", err)
	}
	if a3.StoryID == 0 {
		t.Fatal("article not grouped")
	}
	if a3.StoryID != other.StoryID {
		t.Errorf("article after the merge in story %d, want %d, where the operator merged its story", a3.StoryID, other.StoryID)
	}
	a4 := save(sources[1], "a4", "Peru quake near Arequipa: rescuers search damaged homes after 6.9 tremor", quake, now.Add(-30*time.Minute))
	if err := gr.Assign(ctx, []*crosswire.Article{a4}); err != nil {
		t.Fatal(err)
	}
	if a4.StoryID != other.StoryID {
		t.Errorf("a later article in story %d, want %d", a4.StoryID, other.StoryID)
	}
}
