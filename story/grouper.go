package story

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Item is what the grouper needs of an article.
type Item struct {
	ID        string
	Source    string
	Lang      string // en, ru, uk; other values are read as English
	Published time.Time
	Title     string
	Summary   string
}

// Decision says where an item went and why.
type Decision struct {
	// Story is the story's stable opaque label: the ID of the item that
	// opened it, or the label given to Pin.
	Story string
	// New is true when the item opened the story.
	New bool
	// Score is the similarity to the story when the item joined it, and 1
	// for an item that opened a story (as crosswire.StoryAssignment keeps it).
	Score float64
	// Terms are the shared terms that weighed most in the decision; for a
	// new story, the item's own most distinctive terms.
	Terms []string
	// Reason is a one-line explanation for logs and the offline command.
	Reason string
}

// Options tune the grouper. The zero value of a field means its default
// (see DefaultOptions).
type Options struct {
	// Window is the longest time span of one story: an item never joins a
	// story if that would stretch it beyond Window.
	Window time.Duration
	// Lateness is how long after newer items an out-of-order item can still
	// find its story; stories are forgotten Window+Lateness after they
	// began.
	Lateness time.Duration
	// StatsWindow is how far back term rarity is counted.
	StatsWindow time.Duration
	// Threshold is the lowest score at which an item joins a story.
	Threshold float64
	// CentroidWeight balances similarity to the whole story (the centroid)
	// against similarity to its closest member: the centroid keeps stories
	// from drifting through chains of near neighbours, the closest member
	// lets a follow-up with a narrow angle find its story.
	CentroidWeight float64
	// DigestPenalty multiplies the threshold for live blogs, round-ups and
	// columns, which mention several events and belong to none.
	DigestPenalty float64
	// BridgeRatio and BridgeOverlap decide when an item that matches two
	// stories is a bridge between them and stays alone: when the second
	// score is at least BridgeRatio of the best and the terms it shares
	// with each story overlap less than BridgeOverlap.
	BridgeRatio   float64
	BridgeOverlap float64
	// EntityPenalty multiplies the score of a match that shares no name,
	// number or code, only common words: two earthquakes share
	// "earthquake", the same earthquake shares its place and magnitude.
	EntityPenalty float64
	// QueryTerms is how many of an item's rarest terms look up candidates;
	// MaxPostings bounds how many recent stories each term may propose;
	// MaxCandidates bounds how many candidates are scored in full.
	QueryTerms    int
	MaxPostings   int
	MaxCandidates int
	// MaxMembers bounds how many of a story's most recent members are
	// compared one by one.
	MaxMembers int
	// PriorDocs damps term rarity while few articles have been seen.
	PriorDocs float64
	// TopTerms is how many terms a Decision lists.
	TopTerms int
}

// DefaultOptions are the settings tuned on the development set.
func DefaultOptions() Options {
	return Options{
		Window:         48 * time.Hour,
		Lateness:       24 * time.Hour,
		StatsWindow:    14 * 24 * time.Hour,
		Threshold:      0.22,
		CentroidWeight: 0.5,
		DigestPenalty:  2.0,
		BridgeRatio:    0.6,
		BridgeOverlap:  0.3,
		EntityPenalty:  0.7,
		QueryTerms:     24,
		MaxPostings:    512,
		MaxCandidates:  32,
		MaxMembers:     24,
		PriorDocs:      30,
		TopTerms:       6,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	setD := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setF := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setI := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setD(&o.Window, d.Window)
	setD(&o.Lateness, d.Lateness)
	setD(&o.StatsWindow, d.StatsWindow)
	if o.StatsWindow < o.Window+o.Lateness {
		o.StatsWindow = o.Window + o.Lateness
	}
	setF(&o.Threshold, d.Threshold)
	setF(&o.CentroidWeight, d.CentroidWeight)
	setF(&o.DigestPenalty, d.DigestPenalty)
	setF(&o.BridgeRatio, d.BridgeRatio)
	setF(&o.BridgeOverlap, d.BridgeOverlap)
	setF(&o.EntityPenalty, d.EntityPenalty)
	setI(&o.QueryTerms, d.QueryTerms)
	setI(&o.MaxPostings, d.MaxPostings)
	setI(&o.MaxCandidates, d.MaxCandidates)
	setI(&o.MaxMembers, d.MaxMembers)
	setF(&o.PriorDocs, d.PriorDocs)
	setI(&o.TopTerms, d.TopTerms)
	return o
}

// Grouper assigns articles to stories one at a time. It keeps only the
// stories that can still grow (those begun within Window+Lateness of the
// newest item) and term statistics over StatsWindow, so memory and the cost
// of Add stay flat however large the archive grows. The live pipeline and
// the offline command use it the same way: feed items in (roughly)
// published order. After a restart, Pin the recent articles with their
// stored stories, oldest first, and the grouper continues where it was.
//
// A Grouper is safe for concurrent use; Add calls are serialized.
type Grouper struct {
	mu  sync.Mutex
	opt Options
	x   *extractor
	voc *vocab

	postings     map[termID][]*story
	livePostings int
	deadPostings int

	byLabel map[string]*story
	byID    map[string]*item
	stories []*story // in creation order, for eviction
	stats   []*item  // items counted in document frequencies, in arrival order

	watermark time.Time // newest published time seen

	idfDocs int // docs count the cached idfs were computed for
	idfVal  []float64
	idfDF   []int32
}

type tw struct {
	t   termID
	w   float32
	ent bool
}

type item struct {
	id      string
	source  string
	t       time.Time
	vec     []tw // sorted by term
	rawNorm float64
	digest  bool
	story   *story
}

type centEntry struct {
	w   float32 // sum of members' normalized weights
	n   int32   // members with the term
	ent bool
}

type story struct {
	label       string
	first, last time.Time
	members     []*item
	cent        map[termID]*centEntry
	alive       bool
	pinned      bool
}

// NewGrouper returns an empty grouper.
func NewGrouper(opt Options) *Grouper {
	return &Grouper{
		opt:      opt.withDefaults(),
		x:        &extractor{lx: sharedLexicon()},
		voc:      newVocab(),
		postings: map[termID][]*story{},
		byLabel:  map[string]*story{},
		byID:     map[string]*item{},
	}
}

var (
	lexOnce sync.Once
	lexVal  *lexicon
)

// sharedLexicon compiles the read-only tables once per process.
func sharedLexicon() *lexicon {
	lexOnce.Do(func() { lexVal = buildLexicon() })
	return lexVal
}

// Stats describes what a grouper holds, for tests and monitoring.
type Stats struct {
	Stories  int // live stories
	Items    int // items in live stories
	Terms    int // interned terms
	Postings int // live index entries
	Docs     int // items counted in term statistics
}

// Stats reports the grouper's current size.
func (g *Grouper) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := Stats{Terms: len(g.voc.ids), Postings: g.livePostings, Docs: g.voc.docs, Items: len(g.byID)}
	for _, s := range g.stories {
		if s.alive {
			st.Stories++
		}
	}
	return st
}

// Add assigns an item to a story, opening a new one when nothing matches.
// Adding an ID that is already held moves it (an updated article).
func (g *Grouper) Add(it Item) Decision {
	g.mu.Lock()
	defer g.mu.Unlock()
	x := g.prepare(it)
	d, s := g.decide(x)
	if s == nil {
		s = g.newStory(it.ID, x.t)
	}
	g.join(s, x)
	d.Story = s.label
	return d
}

// Pin puts an item in the story with the given label, whatever the
// similarity: an operator's merge or split, or a stored assignment replayed
// after a restart. A label not held yet opens a story under that label.
func (g *Grouper) Pin(it Item, label string) Decision {
	g.mu.Lock()
	defer g.mu.Unlock()
	x := g.prepare(it)
	s, ok := g.byLabel[label]
	d := Decision{Story: label, Score: 1, Reason: "pinned"}
	if ok && s.alive {
		w, norm := g.weigh(x)
		m := g.match(x, s, w, norm)
		d.Score, d.Terms = m.score, g.termNames(m.shared)
	} else {
		s = g.newStory(label, x.t)
		d.New = true
		d.Terms = g.ownTerms(x)
	}
	s.pinned = true
	g.join(s, x)
	return d
}

// prepare extracts an item's features, counts them in the term statistics
// and evicts what the new watermark makes obsolete.
func (g *Grouper) prepare(it Item) *item {
	if old, ok := g.byID[it.ID]; ok {
		g.leave(old)
	}
	x := &item{id: it.ID, source: it.Source, t: it.Published, digest: g.x.isDigest(it.Title)}
	feats := g.x.features(it)
	x.vec = make([]tw, 0, len(feats))
	for _, f := range feats {
		id := g.voc.intern(f.key, f.surface)
		x.vec = append(x.vec, tw{t: id, w: float32(f.weight), ent: f.entity})
		x.rawNorm += f.weight * f.weight
	}
	x.rawNorm = math.Sqrt(x.rawNorm)
	slices.SortFunc(x.vec, func(a, b tw) int { return cmp.Compare(a.t, b.t) })
	for _, e := range x.vec {
		g.voc.df[e.t]++
		g.voc.ref(e.t)
	}
	g.voc.docs++
	g.stats = append(g.stats, x)
	if x.t.After(g.watermark) {
		g.watermark = x.t
		g.evict()
	}
	return x
}

// idf returns the term's rarity, cached until its document frequency or
// the corpus size moves.
func (g *Grouper) idf(t termID) float64 {
	if d := g.voc.docs - g.idfDocs; d > g.idfDocs/50 || -d > g.idfDocs/50 {
		g.idfDocs = g.voc.docs
		clear(g.idfDF)
	}
	for int(t) >= len(g.idfVal) {
		g.idfVal = append(g.idfVal, 0)
		g.idfDF = append(g.idfDF, 0)
	}
	if df := g.voc.df[t]; g.idfDF[t] != df+1 {
		g.idfDF[t] = df + 1
		g.idfVal[t] = math.Log((float64(g.idfDocs) + g.opt.PriorDocs + 1) / (float64(df) + 1))
	}
	return g.idfVal[t]
}

// weigh returns the item's tf-idf weights, aligned with x.vec, and their norm.
func (g *Grouper) weigh(x *item) ([]float64, float64) {
	w := make([]float64, len(x.vec))
	var n float64
	for i, e := range x.vec {
		w[i] = float64(e.w) * g.idf(e.t)
		n += w[i] * w[i]
	}
	return w, math.Sqrt(n)
}

type matchResult struct {
	s            *story
	score        float64
	cosC, cosM   float64
	shared       []termID // by contribution, largest first
	sharedWeight map[termID]float64
	entity       bool
}

// match scores an item against one story.
func (g *Grouper) match(x *item, s *story, w []float64, norm float64) matchResult {
	m := matchResult{s: s, sharedWeight: map[termID]float64{}}
	if norm == 0 {
		return m
	}
	var cn float64
	for t, c := range s.cent {
		v := float64(c.w) * g.idf(t)
		cn += v * v
	}
	cn = math.Sqrt(cn)
	var dot float64
	for i, e := range x.vec {
		c, ok := s.cent[e.t]
		if !ok {
			continue
		}
		v := w[i] * float64(c.w) * g.idf(e.t)
		dot += v
		m.sharedWeight[e.t] = v
		if (e.ent || c.ent) && g.idf(e.t) > 1.5 {
			m.entity = true
		}
	}
	if cn > 0 {
		m.cosC = dot / (norm * cn)
	}
	members := s.members
	if len(members) > g.opt.MaxMembers {
		members = members[len(members)-g.opt.MaxMembers:]
	}
	for _, y := range members {
		if c := g.cosine(x, w, norm, y); c > m.cosM {
			m.cosM = c
		}
	}
	a := g.opt.CentroidWeight
	m.score = a*m.cosC + (1-a)*m.cosM
	if !m.entity {
		m.score *= g.opt.EntityPenalty
	}
	for t := range m.sharedWeight {
		m.shared = append(m.shared, t)
	}
	slices.SortFunc(m.shared, func(p, q termID) int {
		if c := cmp.Compare(m.sharedWeight[q], m.sharedWeight[p]); c != 0 {
			return c
		}
		return cmp.Compare(p, q)
	})
	return m
}

// cosine is the tf-idf cosine between the item and one member.
func (g *Grouper) cosine(x *item, w []float64, norm float64, y *item) float64 {
	var dot, yn float64
	i := 0
	for _, e := range y.vec {
		v := float64(e.w) * g.idf(e.t)
		yn += v * v
		for i < len(x.vec) && x.vec[i].t < e.t {
			i++
		}
		if i < len(x.vec) && x.vec[i].t == e.t {
			dot += w[i] * v
		}
	}
	if yn == 0 {
		return 0
	}
	return dot / (norm * math.Sqrt(yn))
}

// decide picks the story an item joins, or nil for a new one.
func (g *Grouper) decide(x *item) (Decision, *story) {
	w, norm := g.weigh(x)
	cands := g.candidates(x, w)
	var ms []matchResult
	for _, s := range cands {
		ms = append(ms, g.match(x, s, w, norm))
	}
	slices.SortFunc(ms, func(a, b matchResult) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.s.label, b.s.label)
	})
	threshold := g.opt.Threshold
	if x.digest {
		threshold *= g.opt.DigestPenalty
	}
	newStory := func(reason string) (Decision, *story) {
		return Decision{New: true, Score: 1, Terms: g.ownTerms(x), Reason: reason}, nil
	}
	if len(ms) == 0 {
		return newStory("no candidate story in the window")
	}
	best := ms[0]
	if best.score < threshold {
		return newStory(fmt.Sprintf("best %.3f < %.3f (story %s)", best.score, threshold, best.s.label))
	}
	if len(ms) > 1 {
		second := ms[1]
		if second.score >= threshold*0.75 && second.score >= g.opt.BridgeRatio*best.score &&
			overlap(best.sharedWeight, second.sharedWeight) < g.opt.BridgeOverlap {
			return newStory(fmt.Sprintf("bridges stories %s (%.3f) and %s (%.3f)",
				best.s.label, best.score, second.s.label, second.score))
		}
	}
	return Decision{Score: best.score, Terms: g.termNames(best.shared),
		Reason: fmt.Sprintf("joined: centroid %.3f, closest member %.3f", best.cosC, best.cosM)}, best.s
}

// overlap is the weighted Jaccard of the terms an item shares with two
// stories: high when both are the same event, low when the item is a
// digest touching two events through different words.
func overlap(a, b map[termID]float64) float64 {
	sa, sb := sum(a), sum(b)
	var inter, union float64
	for t, v := range a {
		v /= sa
		if u, ok := b[t]; ok {
			u /= sb
			inter += min(v, u)
			union += max(v, u)
		} else {
			union += v
		}
	}
	for t, u := range b {
		if _, ok := a[t]; !ok {
			union += u / sb
		}
	}
	if union == 0 {
		return 0
	}
	return inter / union
}

func sum(m map[termID]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	if s == 0 {
		return 1
	}
	return s
}

// candidates looks up stories sharing the item's rarest terms through the
// inverted index, keeping those whose span the item would not stretch past
// Window.
func (g *Grouper) candidates(x *item, w []float64) []*story {
	order := make([]int, len(x.vec))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(g.idf(x.vec[b].t), g.idf(x.vec[a].t)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	acc := map[*story]float64{}
	used := 0
	for _, i := range order {
		if used == g.opt.QueryTerms {
			break
		}
		ps := g.postings[x.vec[i].t]
		if len(ps) == 0 {
			// Terms only this item has are the rarest and useless here.
			continue
		}
		used++
		if len(ps) > g.opt.MaxPostings {
			ps = ps[len(ps)-g.opt.MaxPostings:]
		}
		for _, s := range ps {
			if !s.alive || !g.fits(s, x.t) {
				continue
			}
			acc[s] += w[i]
		}
	}
	out := make([]*story, 0, len(acc))
	for s := range acc {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *story) int {
		if c := cmp.Compare(acc[b], acc[a]); c != 0 {
			return c
		}
		return cmp.Compare(a.label, b.label)
	})
	if len(out) > g.opt.MaxCandidates {
		out = out[:g.opt.MaxCandidates]
	}
	return out
}

// fits reports whether a story can take an item published at t without
// spanning more than Window.
func (g *Grouper) fits(s *story, t time.Time) bool {
	first, last := s.first, s.last
	if t.Before(first) {
		first = t
	}
	if t.After(last) {
		last = t
	}
	return last.Sub(first) <= g.opt.Window
}

func (g *Grouper) newStory(label string, t time.Time) *story {
	if old, ok := g.byLabel[label]; ok && old.alive {
		// An item ID reused as a label: keep labels unique.
		for i := 2; ; i++ {
			l := fmt.Sprintf("%s~%d", label, i)
			if s, ok := g.byLabel[l]; !ok || !s.alive {
				label = l
				break
			}
		}
	}
	s := &story{label: label, first: t, last: t, cent: map[termID]*centEntry{}, alive: true}
	g.byLabel[label] = s
	g.stories = append(g.stories, s)
	return s
}

// join adds an item to a story's members, centroid and index entries.
func (g *Grouper) join(s *story, x *item) {
	x.story = s
	s.members = append(s.members, x)
	g.byID[x.id] = x
	if x.t.Before(s.first) {
		s.first = x.t
	}
	if x.t.After(s.last) {
		s.last = x.t
	}
	for _, e := range x.vec {
		c, ok := s.cent[e.t]
		if !ok {
			c = &centEntry{}
			s.cent[e.t] = c
			g.voc.ref(e.t)
			g.postings[e.t] = append(g.postings[e.t], s)
			g.livePostings++
		}
		c.w += e.w / float32(x.rawNorm)
		c.n++
		c.ent = c.ent || e.ent
	}
}

// leave takes an item out of its story (it is being added again).
func (g *Grouper) leave(x *item) {
	s := x.story
	delete(g.byID, x.id)
	if s == nil {
		return
	}
	x.story = nil
	s.members = slices.DeleteFunc(s.members, func(y *item) bool { return y == x })
	for _, e := range x.vec {
		c, ok := s.cent[e.t]
		if !ok {
			continue
		}
		c.w -= e.w / float32(x.rawNorm)
		c.n--
		if c.n <= 0 {
			delete(s.cent, e.t)
			g.voc.unref(e.t)
			// The index entry stays until compaction; a story lacking the
			// term is only a spurious candidate.
		}
	}
	if len(s.members) == 0 {
		g.kill(s)
	}
}

// evict forgets stories that can no longer grow and term statistics older
// than StatsWindow.
func (g *Grouper) evict() {
	storyHorizon := g.watermark.Add(-g.opt.Window - g.opt.Lateness)
	n := 0
	for n < len(g.stories) && (!g.stories[n].alive || g.stories[n].first.Before(storyHorizon)) {
		if s := g.stories[n]; s.alive {
			g.kill(s)
		}
		n++
	}
	if n > 0 {
		g.stories = slices.Delete(g.stories, 0, n)
	}
	statsHorizon := g.watermark.Add(-g.opt.StatsWindow)
	n = 0
	for n < len(g.stats) && g.stats[n].t.Before(statsHorizon) {
		for _, e := range g.stats[n].vec {
			g.voc.df[e.t]--
			g.voc.unref(e.t)
		}
		g.voc.docs--
		n++
	}
	if n > 0 {
		g.stats = slices.Delete(g.stats, 0, n)
	}
	if g.deadPostings > 1024 && g.deadPostings > g.livePostings {
		g.compact()
	}
}

func (g *Grouper) kill(s *story) {
	s.alive = false
	for t := range s.cent {
		g.voc.unref(t)
	}
	g.livePostings -= len(s.cent)
	g.deadPostings += len(s.cent)
	for _, y := range s.members {
		if g.byID[y.id] == y {
			delete(g.byID, y.id)
		}
	}
	s.cent = nil
	s.members = nil
	if g.byLabel[s.label] == s {
		delete(g.byLabel, s.label)
	}
}

// compact drops index entries of dead stories.
func (g *Grouper) compact() {
	for t, ps := range g.postings {
		keep := ps[:0]
		for _, s := range ps {
			if s.alive {
				if _, ok := s.cent[t]; ok {
					keep = append(keep, s)
				}
			}
		}
		clear(ps[len(keep):])
		if len(keep) == 0 {
			delete(g.postings, t)
		} else {
			g.postings[t] = keep
		}
	}
	g.deadPostings = 0
}

func (g *Grouper) termNames(ts []termID) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range ts {
		name := strings.ToLower(g.voc.surface[t])
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
		if len(out) == g.opt.TopTerms {
			break
		}
	}
	return out
}

// ownTerms lists an item's most distinctive terms.
func (g *Grouper) ownTerms(x *item) []string {
	ts := make([]termID, len(x.vec))
	wt := map[termID]float64{}
	for i, e := range x.vec {
		ts[i] = e.t
		wt[e.t] = float64(e.w) * g.idf(e.t)
	}
	slices.SortFunc(ts, func(a, b termID) int {
		if c := cmp.Compare(wt[b], wt[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return g.termNames(ts)
}
