package story

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Item is what the grouper needs of an article.
type Item struct {
	ID string
	// Source is the outlet. Grouping ignores it on purpose: one outlet's
	// follow-ups belong to the story as much as other outlets' reports.
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
	// ConflictPenalty multiplies the score of a story whose members mostly
	// report another kind of event of the same sort (a missile strike for
	// a drone attack, a phone call for a meeting).
	ConflictPenalty float64
	// EntityPenalty multiplies the score of a match that shares no name,
	// number or code, only common words: two earthquakes share
	// "earthquake", the same earthquake shares its place and magnitude.
	EntityPenalty float64
	// QueryTerms is how many of an item's rarest terms look up candidates.
	// A term on more than MaxPostings stories is too common to tell events
	// apart and proposes none; MaxScan bounds the index entries one lookup
	// reads in all. MaxCandidates is how many of the stories found are
	// compared with the item's centroid, and DeepMatches how many of the
	// best of those also member by member. Together they bound the cost
	// of Add however dense the window.
	QueryTerms    int
	MaxPostings   int
	MaxScan       int
	MaxCandidates int
	DeepMatches   int
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
		Window:          48 * time.Hour,
		Lateness:        24 * time.Hour,
		StatsWindow:     14 * 24 * time.Hour,
		Threshold:       0.18,
		CentroidWeight:  0.5,
		DigestPenalty:   2.0,
		BridgeRatio:     0.6,
		BridgeOverlap:   0.3,
		EntityPenalty:   0.7,
		ConflictPenalty: 0.35,
		QueryTerms:      24,
		MaxPostings:     64,
		MaxScan:         1024,
		MaxCandidates:   8,
		DeepMatches:     4,
		MaxMembers:      24,
		PriorDocs:       30,
		TopTerms:        6,
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
	setF(&o.ConflictPenalty, d.ConflictPenalty)
	setI(&o.QueryTerms, d.QueryTerms)
	setI(&o.MaxPostings, d.MaxPostings)
	setI(&o.MaxScan, d.MaxScan)
	setI(&o.MaxCandidates, d.MaxCandidates)
	setI(&o.DeepMatches, d.DeepMatches)
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

	// postings lists, by term, the stories whose centroid has it (and,
	// until compaction, dead stories and ones that lost the term).
	postings     [][]*story
	liveWith     []int32 // by term: live stories with it (see liveStoriesWith)
	livePostings int
	deadPostings int

	byLabel map[string]*story
	byID    map[string]*item
	stories queue[*story]  // in creation order, for eviction
	stats   queue[*item]   // items counted in document frequencies, in arrival order
	buckets []*statsBucket // statistics of items whose story ended, by day (see fold)

	watermark time.Time // newest published time seen

	idfDocs int // docs count the cached idfs were computed for
	idfVal  []float64
	idfDF   []int32

	gen uint64 // candidate lookups so far (see story.gen)

	// Scratch reused by every Add, so that deciding allocates little:
	// the query's dense vectors (by termID), the candidate lookup's term
	// order and stories, the matches and the terms they share.
	q        query
	dense    []float64
	didf     []float64
	pos      []int32
	taken    []bool
	topIdx   []int
	sortKeys []uint64
	order    []int
	found    []*story
	top      []*story
	ms       []matchResult
	shared   []shared
	famIDs   [][]termID

	windowSec int64
}

type tw struct {
	t            termID
	w            float32
	upper, lower uint8
	name         bool
}

type item struct {
	id      string
	t       time.Time
	vec     []tw // sorted by term
	rawNorm float64
	digest  bool
	story   *story

	norm     float64 // tf-idf length, cached for normDocs
	normDocs int

	folded bool // its statistics are in a day bucket and vec is gone (see fold)
}

type centEntry struct {
	t  termID
	w  float32 // sum of members' normalized weights
	n  int32   // members with the term
	sq float32 // (w·idf)², as counted in the story's norm2
}

type story struct {
	label       string
	first, last time.Time
	members     []*item
	cent        []centEntry // sorted by term, as item vectors are
	alive       bool
	closed      bool // opened by a digest, or sealed: nothing joins it automatically

	firstU, lastU int64 // first and last in Unix seconds, for the index

	// gen and acc are scratch for candidates: the lookup that last saw
	// the story and the weight it gathered there.
	gen uint64
	acc float64

	// norm caches the centroid's tf-idf length and norm2 its square, as
	// the sum of the entries' sq (see centroidNorm).
	norm     float64
	norm2    float64
	normDocs int
	normOK   bool
}

// NewGrouper returns an empty grouper.
func NewGrouper(opt Options) *Grouper {
	opt = opt.withDefaults()
	return &Grouper{
		opt:       opt,
		windowSec: int64(opt.Window / time.Second),
		x:         &extractor{lx: sharedLexicon()},
		voc:       newVocab(),
		byLabel:   map[string]*story{},
		byID:      map[string]*item{},
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
	for _, s := range g.stories.items() {
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
		// A live blog or round-up is about several events and belongs
		// to none: it stands alone and others do not join it.
		s.closed = x.digest
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
	q := g.newQuery(x)
	if ok && s.alive {
		m := g.centroidMatch(q, s)
		g.memberMatch(q, &m)
		d.Score, d.Terms = m.score, g.sharedNames(m)
	} else {
		s = g.newStory(label, x.t)
		s.closed = x.digest
		d.New = true
		d.Terms = g.ownTerms(q)
	}
	q.release()
	g.join(s, x)
	return d
}

// Seal closes the story with the given label to automatic additions: Add
// no longer puts items in it, Pin still does. An operator's split uses it,
// so that a rebuild cannot pull back the articles the operator separated.
// It reports whether the grouper holds a story with that label.
func (g *Grouper) Seal(label string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.byLabel[label]
	if !ok || !s.alive {
		return false
	}
	s.closed = true
	return true
}

// Members lists the IDs of the items in the story with the given label,
// most recent last; nil when the grouper holds no such story.
func (g *Grouper) Members(label string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.byLabel[label]
	if !ok || !s.alive {
		return nil
	}
	ids := make([]string, len(s.members))
	for i, m := range s.members {
		ids[i] = m.id
	}
	return ids
}

// prepare extracts an item's features, counts them in the term statistics
// and evicts what the new watermark makes obsolete.
func (g *Grouper) prepare(it Item) *item {
	if old, ok := g.byID[it.ID]; ok {
		g.leave(old)
	}
	feats, digest := g.x.read(it)
	x := &item{id: it.ID, t: it.Published, digest: digest}
	// The vector is sorted by term; sorting the ids with their feature's
	// index packed below them needs no comparison function.
	order := g.sortKeys[:0]
	for i, f := range feats {
		id := g.voc.internHint(f.key, f.surface, f.ki.id, f.ki.idOK)
		f.ki.id, f.ki.idOK = id, true
		if g.voc.refs[id] == 0 {
			// A new term, maybe on a recycled id: what the index still
			// lists under the id are dead stories or ones that lost the
			// old term.
			g.resetPostings(id)
		}
		order = append(order, uint64(id)<<32|uint64(i))
		x.rawNorm += f.weight * f.weight
	}
	x.rawNorm = math.Sqrt(x.rawNorm)
	slices.Sort(order)
	g.sortKeys = order
	x.vec = make([]tw, len(order))
	for k, o := range order {
		f := &feats[uint32(o)]
		x.vec[k] = tw{t: termID(o >> 32), w: float32(f.weight), upper: f.upper, lower: f.lower, name: f.name}
	}
	for _, e := range x.vec {
		g.voc.count(e, 1)
		g.voc.ref(e.t)
	}
	g.voc.docs++
	g.stats.push(x)
	if x.t.After(g.watermark) {
		g.watermark = x.t
		g.evict()
	}
	return x
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
	s := &story{label: label, first: t, last: t, firstU: t.Unix(), lastU: t.Unix(), alive: true}
	g.byLabel[label] = s
	g.stories.push(s)
	return s
}

// join adds an item to a story's members, centroid and index entries.
func (g *Grouper) join(s *story, x *item) {
	x.story = s
	s.members = append(s.members, x)
	g.byID[x.id] = x
	if x.t.Before(s.first) {
		s.first, s.firstU = x.t, x.t.Unix()
	}
	if x.t.After(s.last) {
		s.last, s.lastU = x.t, x.t.Unix()
	}
	// Merge the item's terms into the centroid; both are sorted by term.
	old := s.cent
	added := 0
	for i, j := 0, 0; j < len(x.vec); {
		if i < len(old) && old[i].t < x.vec[j].t {
			i++
			continue
		}
		if i == len(old) || old[i].t > x.vec[j].t {
			added++
		} else {
			i++
		}
		j++
	}
	cent := old
	if added > 0 {
		cent = make([]centEntry, len(old)+added)
	}
	// Within one idf epoch the centroid's length is kept up to date term
	// by term (see centroidNorm) rather than recomputed over the whole
	// centroid, which for a large story is most of the cost of a match.
	inc := s.normOK && s.normDocs == g.idfDocs
	k := len(cent)
	for i, j := len(old)-1, len(x.vec)-1; j >= 0 || i >= 0; {
		k--
		switch {
		case j < 0 || i >= 0 && old[i].t > x.vec[j].t:
			cent[k] = old[i]
			i--
			continue
		case i < 0 || old[i].t < x.vec[j].t:
			e := x.vec[j]
			cent[k] = centEntry{t: e.t}
			g.voc.ref(e.t)
			g.addPosting(e.t, s)
		default:
			cent[k] = old[i]
			i--
		}
		e := x.vec[j]
		c := &cent[k]
		c.w += e.w / float32(x.rawNorm)
		c.n++
		if inc {
			v := float64(c.w) * g.idf(e.t)
			s.norm2 += v*v - float64(c.sq)
			c.sq = float32(v * v)
		}
		j--
	}
	s.cent = cent
	if inc {
		s.norm = math.Sqrt(max(s.norm2, 0))
	} else {
		s.normOK = false
	}
}

// centEntryOf returns the centroid entry of a term, or nil.
func (s *story) centEntryOf(t termID) *centEntry {
	i, ok := slices.BinarySearchFunc(s.cent, t, func(c centEntry, t termID) int { return cmp.Compare(c.t, t) })
	if !ok {
		return nil
	}
	return &s.cent[i]
}

// leave takes an item out of its story (it is being added again). Its old
// version still counts in the term statistics until it ages out, which
// only nudges rarities.
func (g *Grouper) leave(x *item) {
	s := x.story
	delete(g.byID, x.id)
	if s == nil {
		return
	}
	x.story = nil
	s.normOK = false
	s.members = slices.DeleteFunc(s.members, func(y *item) bool { return y == x })
	keep := s.cent[:0]
	j := 0
	for _, c := range s.cent {
		for j < len(x.vec) && x.vec[j].t < c.t {
			j++
		}
		if j < len(x.vec) && x.vec[j].t == c.t {
			c.w -= x.vec[j].w / float32(x.rawNorm)
			c.n--
			if c.n <= 0 {
				g.dropPosting(c.t)
				g.voc.unref(c.t)
				// The index entry stays until compaction; a story
				// lacking the term is only a spurious candidate.
				continue
			}
		}
		keep = append(keep, c)
	}
	s.cent = keep
	if len(s.members) == 0 {
		g.kill(s)
	}
}
