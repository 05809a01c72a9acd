package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"crosswire"
)

// saveArticles stores articles directly, as a poll elsewhere would, in no
// story.
func saveArticles(tb testing.TB, st crosswire.Store, src crosswire.Source, titles ...string) []*crosswire.Article {
	tb.Helper()
	now := time.Now().UTC()
	var as []*crosswire.Article
	for i, title := range titles {
		as = append(as, &crosswire.Article{
			SourceID: src.ID, Key: fmt.Sprintf("%s-%d", src.Slug, i), URL: fmt.Sprintf("http://%s.example/%d", src.Slug, i),
			Title: title, Text: title + ". Officials said more would follow.", Language: "en",
			PublishedAt: now.Add(-time.Duration(len(titles)-i) * time.Minute), FirstSeenAt: now, LastSeenAt: now,
			Hash: fmt.Sprintf("h-%s-%d", src.Slug, i),
		})
	}
	if _, err := st.SaveArticles(context.Background(), as); err != nil {
		tb.Fatal(err)
	}
	return as
}

// runGroupJob inserts a group job and waits until River completed it.
func runGroupJob(tb testing.TB, r *Runner) {
	tb.Helper()
	ctx := context.Background()
	res, err := r.impl.insert(ctx, GroupArgs{}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	waitFor(tb, "the group job to complete", 20*time.Second, func() bool {
		rows, err := r.impl.listJobs(ctx, KindGroup)
		if err != nil {
			tb.Fatal(err)
		}
		for _, j := range rows {
			if j.ID == res.Job.ID && j.State == rivertype.JobStateCompleted {
				return true
			}
		}
		return false
	})
}

// TestGroupJobOnce: a group job puts every ungrouped article in a story;
// the next one finds nothing to do and changes nothing.
func TestGroupJobOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := e.store
		srcs := make([]crosswire.Source, 2)
		for i, slug := range []string{"north", "south"} {
			srcs[i] = crosswire.Source{Slug: slug, Name: slug, Republish: true, CreatedAt: time.Now()}
			if err := st.PutSource(ctx, &srcs[i]); err != nil {
				t.Fatal(err)
			}
		}
		var all []*crosswire.Article
		all = append(all, saveArticles(t, st, srcs[0], "Earthquake of magnitude 7 strikes off Japan coast", "Parliament passes budget after long night")...)
		all = append(all, saveArticles(t, st, srcs[1], "Magnitude 7 earthquake strikes Japan coast, tsunami warning", "Football club wins cup final")...)

		r := e.open(t, Options{Policy: hourly, NewGrouping: grouping(st), GroupSweepEvery: -1})
		start(t, r)
		runGroupJob(t, r)

		assigned := map[int64]crosswire.StoryAssignment{}
		for _, a := range all {
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.StoryID == 0 {
				t.Errorf("article %q in no story after the group job", a.Title)
				continue
			}
			as, err := st.Assignment(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			assigned[a.ID] = as
		}
		if len(assigned) == len(all) && assigned[all[0].ID].StoryID != assigned[all[2].ID].StoryID {
			t.Errorf("the two earthquake reports are in stories %d and %d, want one", assigned[all[0].ID].StoryID, assigned[all[2].ID].StoryID)
		}
		stories, err := st.Stories(ctx, crosswire.StoryQuery{})
		if err != nil {
			t.Fatal(err)
		}

		// A second run, a second later (AssignedAt would move), finds
		// nothing to group.
		time.Sleep(1100 * time.Millisecond)
		runGroupJob(t, r)
		for id, before := range assigned {
			after, err := st.Assignment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !after.AssignedAt.Equal(before.AssignedAt) || after.StoryID != before.StoryID {
				t.Errorf("article %d reassigned by the second job: %+v, was %+v", id, after, before)
			}
		}
		again, err := st.Stories(ctx, crosswire.StoryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(stories) {
			t.Errorf("stories: %d after the second job, %d before", len(again), len(stories))
		}
	})
}

// TestPollRequestsGrouping: a poll that stores new articles asks for a
// group job, which groups them without anyone else asking.
func TestPollRequestsGrouping(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := newFeedServer(t)
		f := addFeed(t, e.store, "wire", fs.set("/wire.xml", "Ceasefire agreed in port city", "New museum opens"))
		// No periodic sweep within the test: only the poll can ask.
		r := e.open(t, Options{Policy: hourly, NewGrouping: grouping(e.store), GroupSweepEvery: -1})
		start(t, r)
		waitFor(t, "the polled articles to be grouped", 20*time.Second, func() bool {
			as, err := e.store.Articles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{f.SourceID}})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.StoryID == 0 {
					return false
				}
			}
			return len(as) == 2
		})
	})
}

// TestGroupRequestsNeverLost: requests made while a group job runs, and
// right after it finished, are each honoured without a sweep: every article
// stored before a request ends up in a story.
func TestGroupRequestsNeverLost(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := e.store
		src := crosswire.Source{Slug: "wire", Name: "wire", Republish: true, CreatedAt: time.Now()}
		if err := st.PutSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
		r := e.open(t, Options{Policy: hourly, NewGrouping: grouping(st), GroupSweepEvery: -1})
		start(t, r)
		var all []*crosswire.Article
		for round := range 12 {
			s := src
			s.Slug = fmt.Sprintf("wire%d", round) // distinct article keys
			all = append(all, saveArticles(t, st, s, fmt.Sprintf("Report %d on the harbour fire", round), fmt.Sprintf("Budget vote %d delayed", round))...)
			if err := r.impl.requestGrouping(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(round%4) * 15 * time.Millisecond)
		}
		defer func() {
			if !t.Failed() {
				return
			}
			rows, _ := r.impl.listJobs(ctx, KindGroup)
			for _, j := range rows {
				t.Logf("job %d %s args %s created %s attempted %v finalized %v", j.ID, j.State, j.EncodedArgs, j.CreatedAt.Format("05.000"), j.AttemptedAt, j.FinalizedAt)
			}
			for _, a := range all {
				got, _ := st.Article(ctx, a.ID)
				t.Logf("article %d story %d", a.ID, got.StoryID)
			}
		}()
		waitFor(t, "every requested article to be grouped", 20*time.Second, func() bool {
			for _, a := range all {
				got, err := st.Article(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.StoryID == 0 {
					return false
				}
			}
			return true
		})
	})
}
