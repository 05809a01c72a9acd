package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"crosswire"
)

// storyArticleLimit bounds the articles read for one story.
const storyArticleLimit = 200

// storyCard is a story with one article per outlet, as lists and the
// story page show it.
type storyCard struct {
	ID           int64
	URL          string
	Title        string
	FirstAt      time.Time
	LastAt       time.Time
	Cards        []outletTake // one per outlet, in order of first report
	Articles     int
	Perspectives []string // present, in order of first report
	Missing      []string // configured perspectives absent from the story
	Timeline     []timelineEntry
}

// outletTake is one outlet's coverage of a story: its first article and
// any later ones.
type outletTake struct {
	articleCard
	More []articleCard
}

type timelineEntry struct {
	articleCard
	Offset string // time after the first report ("2 h later"), "" for the first
}

func (s *Server) storyPath(id int64) string {
	return s.path("/stories/" + strconv.FormatInt(id, 10))
}

// storyCard reads the story's articles from open outlets and groups them.
func (s *Server) storyCard(ctx context.Context, st *state, story crosswire.Story) (storyCard, error) {
	arts, err := s.store.Articles(ctx, crosswire.ArticleQuery{StoryID: story.ID, SourceIDs: st.open.ids, Limit: storyArticleLimit})
	if err != nil {
		return storyCard{}, fmt.Errorf("articles of story %d: %w", story.ID, err)
	}
	return s.groupStory(st, story, arts), nil
}

func (s *Server) groupStory(st *state, story crosswire.Story, arts []crosswire.Article) storyCard {
	sc := storyCard{ID: story.ID, URL: s.storyPath(story.ID)}
	cards := s.cards(st, arts) // newest first, as the store orders them
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].Time.Before(cards[j].Time) })

	byOutlet := map[string]int{}
	seenPersp := map[string]bool{}
	titleSeen := false
	for _, c := range cards {
		if c.Title == story.Title {
			titleSeen = true
		}
		if i, ok := byOutlet[c.Outlet.Slug]; ok {
			sc.Cards[i].More = append(sc.Cards[i].More, c)
			continue
		}
		byOutlet[c.Outlet.Slug] = len(sc.Cards)
		sc.Cards = append(sc.Cards, outletTake{articleCard: c})
		if p := s.perspectiveOf(st.snap.bySlug[c.Outlet.Slug]); p != "" && !seenPersp[strings.ToLower(p)] {
			seenPersp[strings.ToLower(p)] = true
			sc.Perspectives = append(sc.Perspectives, p)
		}
	}
	sc.Articles = len(cards)
	if len(cards) > 0 {
		first := cards[0].Time
		sc.FirstAt, sc.LastAt = first, cards[len(cards)-1].Time
		for i, c := range cards {
			e := timelineEntry{articleCard: c}
			if i > 0 {
				e.Offset = humanDuration(c.Time.Sub(first)) + " later"
			}
			sc.Timeline = append(sc.Timeline, e)
		}
	}
	// The story's stored headline may come from an outlet that is not
	// shown: then the first shown report names it.
	sc.Title = story.Title
	if !titleSeen && len(cards) > 0 {
		sc.Title = cards[0].Title
	}
	sc.Missing = s.missingPerspectives(seenPersp)
	return sc
}

// perspectiveOf is the outlet's side for "not covered by": its
// perspective tag when perspectives are configured, else its ownership.
func (s *Server) perspectiveOf(o *outlet) string {
	if o == nil {
		return ""
	}
	if len(s.opt.Perspectives) == 0 {
		if o.Ownership == crosswire.OwnershipOther || o.Ownership == "" {
			return ""
		}
		return o.Ownership.Label()
	}
	for _, p := range s.opt.Perspectives {
		if strings.EqualFold(p, o.Perspective) {
			return p
		}
	}
	return o.Perspective
}

func (s *Server) missingPerspectives(present map[string]bool) []string {
	var all []string
	if len(s.opt.Perspectives) > 0 {
		all = s.opt.Perspectives
	} else {
		for _, o := range crosswire.Ownerships {
			if o != crosswire.OwnershipOther {
				all = append(all, o.Label())
			}
		}
	}
	var out []string
	for _, p := range all {
		if !present[strings.ToLower(p)] {
			out = append(out, p)
		}
	}
	return out
}

// humanDuration is a short "2 h 15 min" form.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "under 1 min"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		if m := int(d.Minutes()) % 60; m != 0 {
			return fmt.Sprintf("%d h %d min", h, m)
		}
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

type storiesData struct {
	Stories []storyCard
	Pager   pager
}

func (s *Server) handleStories(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(r)
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "stories:"+strconv.Itoa(page), func(ctx context.Context, st *state) (*response, error) {
		var d storiesData
		if len(st.open.ids) > 0 {
			stories, err := s.store.Stories(ctx, crosswire.StoryQuery{
				SourceIDs: st.open.ids, MinSources: 1,
				Limit: s.opt.PageSize + 1, Offset: (page - 1) * s.opt.PageSize,
			})
			if err != nil {
				return nil, fmt.Errorf("list stories: %w", err)
			}
			d.Pager = newPager(s.path("/stories/"), page, len(stories) > s.opt.PageSize)
			if len(stories) > s.opt.PageSize {
				stories = stories[:s.opt.PageSize]
			}
			for _, story := range stories {
				sc, err := s.storyCard(ctx, st, story)
				if err != nil {
					return nil, err
				}
				if len(sc.Cards) > 0 {
					d.Stories = append(d.Stories, sc)
				}
			}
		}
		if page > 1 && len(d.Stories) == 0 {
			return nil, crosswire.ErrNotFound
		}
		meta := pageMeta{
			Title:       "Stories",
			Nav:         "stories",
			Description: "Events and how each outlet covered them.",
			Canonical:   s.abs("/stories/"),
			Alternates:  s.feedAlternates("", ""),
		}
		return s.renderPage("stories", http.StatusOK, meta, d)
	})
}

func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	id, ok := parseIDSlug(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.cached(w, r, "story:"+strconv.FormatInt(id, 10), func(ctx context.Context, st *state) (*response, error) {
		sc, err := s.loadStory(ctx, st, id)
		if err != nil {
			return nil, err
		}
		desc := fmt.Sprintf("%s: coverage by %s compared side by side.", sc.Title, plural(len(sc.Cards), "outlet", "outlets"))
		meta := pageMeta{
			Title:       sc.Title,
			Nav:         "stories",
			Description: desc,
			Canonical:   s.abs("/stories/" + strconv.FormatInt(id, 10)),
			Alternates:  s.feedAlternates("/stories/"+strconv.FormatInt(id, 10), "Story: "+sc.Title),
			OG: []metaProp{
				{"og:type", "website"},
				{"og:site_name", s.opt.SiteTitle},
				{"og:title", sc.Title},
				{"og:url", s.abs("/stories/" + strconv.FormatInt(id, 10))},
				{"og:description", desc},
			},
		}
		return s.renderPage("story", http.StatusOK, meta, sc)
	})
}

// loadStory reads a story as the public may see it: ErrNotFound when it
// does not exist or no open outlet covers it.
func (s *Server) loadStory(ctx context.Context, st *state, id int64) (storyCard, error) {
	if len(st.open.ids) == 0 {
		return storyCard{}, crosswire.ErrNotFound
	}
	story, err := s.store.Story(ctx, id)
	if err != nil {
		return storyCard{}, err
	}
	sc, err := s.storyCard(ctx, st, story)
	if err != nil {
		return storyCard{}, err
	}
	if len(sc.Cards) == 0 {
		return storyCard{}, crosswire.ErrNotFound
	}
	return sc, nil
}
