package story

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// idf returns the term's rarity over the statistics window, cached until
// its document frequency or the corpus size moves. PriorDocs pretends some
// documents without the term were seen, so that the first articles after a
// cold start do not treat every word as rare.
func (g *Grouper) idf(t termID) float64 {
	g.idfEpoch()
	return g.idfInEpoch(t)
}

// idfEpoch moves the idf epoch on when the corpus size has moved by more
// than 2% since the cached idfs were computed.
func (g *Grouper) idfEpoch() {
	if d := g.voc.docs - g.idfDocs; d > g.idfDocs/50 || -d > g.idfDocs/50 {
		g.idfDocs = g.voc.docs
		clear(g.idfDF)
	}
}

// idfInEpoch is idf without the epoch check, for loops over many terms
// that made it first.
func (g *Grouper) idfInEpoch(t termID) float64 {
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

// query is one item being decided: its tf-idf weights, also spread over
// dense vectors indexed by term so that comparing with a member costs one
// pass over the member. There is one, reused, per Grouper.
type query struct {
	x     *item
	w     []float64 // aligned with x.vec
	idf   []float64 // aligned with x.vec
	named []bool    // aligned with x.vec: a rare name, evidence of one event
	norm  float64
	dense []float64 // by termID: the weight; zero for terms the item lacks
	didf  []float64 // by termID: the idf of the item's terms
	pos   []int32   // by termID: 1 + the term's index in x.vec; 0 if absent
	famOK bool      // the Grouper's famIDs are resolved for this query
}

func (g *Grouper) newQuery(x *item) *query {
	n := len(x.vec)
	q := &g.q
	q.x, q.norm, q.famOK = x, 0, false
	q.w = slices.Grow(q.w[:0], n)[:n]
	q.idf = slices.Grow(q.idf[:0], n)[:n]
	q.named = slices.Grow(q.named[:0], n)[:n]
	for i, e := range x.vec {
		q.idf[i] = g.idf(e.t)
		q.w[i] = float64(e.w) * q.idf[i]
		q.norm += q.w[i] * q.w[i]
		q.named[i] = q.idf[i] > 1.5 && g.voc.isName(e.t) && !g.smallNumber(e.t)
	}
	q.norm = math.Sqrt(q.norm)
	// The item's own length, which comparisons with it as a member need,
	// is the query's for this idf epoch.
	x.norm, x.normDocs = q.norm, g.idfDocs
	if n := len(g.voc.keys); len(g.dense) < n {
		g.dense = append(g.dense, make([]float64, n-len(g.dense))...)
		g.didf = append(g.didf, make([]float64, n-len(g.didf))...)
		g.pos = append(g.pos, make([]int32, n-len(g.pos))...)
	}
	q.dense, q.didf, q.pos = g.dense, g.didf, g.pos
	for i, e := range x.vec {
		q.dense[e.t] = q.w[i]
		q.didf[e.t] = q.idf[i]
		q.pos[e.t] = int32(i + 1)
	}
	g.shared = g.shared[:0]
	return q
}

// release clears the dense vectors for the next query.
func (q *query) release() {
	for _, e := range q.x.vec {
		q.dense[e.t] = 0
		q.didf[e.t] = 0
		q.pos[e.t] = 0
	}
	q.x = nil
}

type shared struct {
	t termID
	v float64 // contribution to the dot product with the centroid
}

type matchResult struct {
	s          *story
	score      float64
	cosC, cosM float64
	shared     []shared
	entity     bool
	conflict   string // the family of a kind-of-event mismatch, if any
	entityTerm termID // the rarest shared name, number or code
}

// centroidMatch scores an item against a story's centroid, the cheap
// first stage of matching.
func (g *Grouper) centroidMatch(q *query, s *story) matchResult {
	m := matchResult{s: s}
	cn := g.centroidNorm(s)
	if q.norm == 0 || cn == 0 {
		return m
	}
	var dot, entityIDF float64
	start := len(g.shared)
	add := func(i int, c *centEntry) {
		e := q.x.vec[i]
		v := q.w[i] * float64(c.w) * q.idf[i]
		dot += v
		g.shared = append(g.shared, shared{e.t, v})
		if q.named[i] {
			if !m.entity || q.idf[i] > entityIDF {
				m.entityTerm, entityIDF = e.t, q.idf[i]
			}
			m.entity = true
		}
	}
	// Both vectors are sorted by term, so the shared terms come in term
	// order either way: look the centroid's terms up in the query, or the
	// item's terms up in the centroid when that is much the longer.
	vec, cent := q.x.vec, s.cent
	if len(cent) > 32*len(vec) {
		for i, e := range vec {
			if c := s.centEntryOf(e.t); c != nil {
				add(i, c)
			}
		}
	} else {
		for j := range cent {
			if p := q.pos[cent[j].t]; p != 0 {
				add(int(p-1), &cent[j])
			}
		}
	}
	m.shared = g.shared[start:len(g.shared):len(g.shared)]
	m.cosC = dot / (q.norm * cn)
	m.score = m.cosC
	return m
}

// memberMatch completes a match with the closest of the story's recent
// members and combines the two similarities.
func (g *Grouper) memberMatch(q *query, m *matchResult) {
	members := m.s.members
	if len(members) > g.opt.MaxMembers {
		members = members[len(members)-g.opt.MaxMembers:]
	}
	if len(m.s.members) == 1 {
		// The centroid of a story of one is its member, scaled: the
		// cosine is the same.
		m.cosM = m.cosC
	} else {
		for _, y := range members {
			if c := g.cosine(q, y); c > m.cosM {
				m.cosM = c
			}
		}
	}
	a := g.opt.CentroidWeight
	m.score = a*m.cosC + (1-a)*m.cosM
	if !m.entity {
		m.score *= g.opt.EntityPenalty
	}
	if f := g.conflict(q, m.s); f != "" {
		m.conflict = f
		m.score *= g.opt.ConflictPenalty
	}
}

// conflict returns the family in which the item reports a different kind
// of event than the story: most of the story's members name one kind (a
// missile strike, a phone call) that the item lacks, while the item names
// another kind the story hardly mentions (drones, a meeting). Two such
// events share places and people but are separate stories.
func (g *Grouper) conflict(q *query, s *story) string {
	n := float64(len(s.members))
	if n == 0 {
		return ""
	}
	fams := g.x.lx.families
	if !q.famOK {
		// Which of the families' keys the window knows, once per query.
		g.famIDs = slices.Grow(g.famIDs[:0], len(fams))[:len(fams)]
		for i, f := range fams {
			ids := g.famIDs[i][:0]
			for _, k := range f.keys {
				if id, ok := g.voc.ids[k]; ok {
					ids = append(ids, id)
				}
			}
			g.famIDs[i] = ids
		}
		q.famOK = true
	}
	for fi, f := range fams {
		lacks, foreign := false, false
		for _, id := range g.famIDs[fi] {
			share := 0.0
			if c := s.centEntryOf(id); c != nil {
				share = float64(c.n) / n
			}
			has := int(id) < len(q.dense) && q.dense[id] != 0
			if share >= 0.6 && !has {
				lacks = true
			}
			if has && share < 0.3 {
				foreign = true
			}
		}
		if lacks && foreign {
			return f.name
		}
	}
	return ""
}

// sharedNames lists the names of the terms of a match by contribution,
// largest first.
func (g *Grouper) sharedNames(m matchResult) []string {
	sh := m.shared
	return g.topNames(len(sh), func(i int) termID { return sh[i].t }, func(i, j int) bool {
		return sh[i].v > sh[j].v || sh[i].v == sh[j].v && sh[i].t < sh[j].t
	})
}

// centroidNorm returns the story centroid's tf-idf length, counted afresh
// when a member left or the corpus size moved (an idf epoch); a joining
// member updates it in place (see join), with the current rarity of its
// terms.
func (g *Grouper) centroidNorm(s *story) float64 {
	g.idfEpoch()
	if s.normOK && s.normDocs == g.idfDocs {
		return s.norm
	}
	var n float64
	for i := range s.cent {
		c := &s.cent[i]
		v := float64(c.w) * g.idfInEpoch(c.t)
		c.sq = float32(v * v)
		n += v * v
	}
	s.norm, s.norm2, s.normDocs, s.normOK = math.Sqrt(n), n, g.idfDocs, true
	return s.norm
}

// cosine is the tf-idf cosine between the query item and one member.
func (g *Grouper) cosine(q *query, y *item) float64 {
	if y.normDocs != g.idfDocs || y.norm == 0 {
		g.idfEpoch()
		var n float64
		for _, e := range y.vec {
			v := float64(e.w) * g.idfInEpoch(e.t)
			n += v * v
		}
		y.norm, y.normDocs = math.Sqrt(n), g.idfDocs
	}
	if y.norm == 0 || q.norm == 0 {
		return 0
	}
	var dot float64
	for _, e := range y.vec {
		if qw := q.dense[e.t]; qw != 0 {
			dot += qw * float64(e.w) * q.didf[e.t]
		}
	}
	return dot / (q.norm * y.norm)
}

// smallNumber reports counts like 2 or 12, which many unrelated stories
// share and so do not show on their own that two texts name the same thing.
func (g *Grouper) smallNumber(t termID) bool {
	k := g.voc.keys[t]
	if !strings.HasPrefix(k, "#") {
		return false
	}
	v, err := strconv.ParseFloat(k[1:], 64)
	return err == nil && v < 13 && v == math.Trunc(v)
}

// decide picks the story an item joins, or nil for a new one.
func (g *Grouper) decide(x *item) (Decision, *story) {
	q := g.newQuery(x)
	defer q.release()
	ms := g.ms[:0]
	for _, s := range g.candidates(q) {
		ms = append(ms, g.centroidMatch(q, s))
	}
	defer func() {
		clear(ms)
		g.ms = ms[:0]
		clear(g.top)
	}()
	byScore := func(a, b matchResult) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.s.label, b.s.label)
	}
	slices.SortFunc(ms, byScore)
	if len(ms) > g.opt.DeepMatches {
		ms = ms[:g.opt.DeepMatches]
	}
	for i := range ms {
		g.memberMatch(q, &ms[i])
	}
	slices.SortFunc(ms, byScore)

	threshold := g.opt.Threshold
	if x.digest {
		threshold *= g.opt.DigestPenalty
	}
	newStory := func(reason string) (Decision, *story) {
		return Decision{New: true, Score: 1, Terms: g.ownTerms(q), Reason: reason}, nil
	}
	if len(ms) == 0 {
		return newStory("no candidate story in the window")
	}
	best := ms[0]
	if best.score < threshold {
		why := ""
		if best.conflict != "" {
			why = ", a different kind of " + best.conflict + " event"
		}
		return newStory(fmt.Sprintf("best %.3f < %.3f (story %s%s)", best.score, threshold, best.s.label, why))
	}
	if len(ms) > 1 {
		second := ms[1]
		if second.score >= threshold*0.75 && second.score >= g.opt.BridgeRatio*best.score &&
			overlap(best.shared, second.shared) < g.opt.BridgeOverlap {
			return newStory(fmt.Sprintf("bridges stories %s (%.3f) and %s (%.3f)",
				best.s.label, best.score, second.s.label, second.score))
		}
	}
	reason := fmt.Sprintf("joined: centroid %.3f, closest member %.3f", best.cosC, best.cosM)
	if best.conflict != "" {
		reason += ", different kind of " + best.conflict + " event"
	}
	if best.entity {
		reason += fmt.Sprintf(", shared name %q", g.termName(best.entityTerm))
	} else {
		reason += ", no shared name"
	}
	return Decision{Score: best.score, Terms: g.sharedNames(best), Reason: reason}, best.s
}

// overlap is the weighted Jaccard of the terms an item shares with two
// stories: high when both are the same event, low when the item is a
// digest touching two events through different words.
func overlap(a, b []shared) float64 {
	var sa, sb float64
	for _, x := range a {
		sa += x.v
	}
	for _, x := range b {
		sb += x.v
	}
	if sa == 0 || sb == 0 {
		return 0
	}
	// Both lists are in term order (see centroidMatch).
	var inter, union float64
	for i, j := 0, 0; i < len(a) || j < len(b); {
		switch {
		case j == len(b) || i < len(a) && a[i].t < b[j].t:
			union += a[i].v / sa
			i++
		case i == len(a) || b[j].t < a[i].t:
			union += b[j].v / sb
			j++
		default:
			v, u := a[i].v/sa, b[j].v/sb
			inter += min(v, u)
			union += max(v, u)
			i++
			j++
		}
	}
	if union == 0 {
		return 0
	}
	return inter / union
}

func (g *Grouper) termName(t termID) string { return strings.ToLower(g.voc.surface[t]) }

// topNames lists the distinct names of the TopTerms best of n terms
// (term(i) for i < n) by better. A decision shows a handful of an item's
// hundred terms, so it keeps the best few in one pass instead of sorting
// all; several terms of one word share a name (its word and skeleton
// keys), so it keeps a few times more than it shows.
func (g *Grouper) topNames(n int, term func(i int) termID, better func(i, j int) bool) []string {
	k := min(n, 2*g.opt.TopTerms)
	top := g.topIdx[:0]
	for i := range n {
		if len(top) == k && !better(i, top[k-1]) {
			continue
		}
		j := len(top)
		if j < k {
			top = append(top, i)
		} else {
			j = k - 1
		}
		for ; j > 0 && better(i, top[j-1]); j-- {
			top[j] = top[j-1]
		}
		top[j] = i
	}
	g.topIdx = top
	var out []string
	for _, i := range top {
		if name := g.termName(term(i)); !slices.Contains(out, name) {
			out = append(out, name)
			if len(out) == g.opt.TopTerms {
				return out
			}
		}
	}
	if k == n {
		return out
	}
	// Fewer names than wanted among the kept terms: select the rest one
	// at a time.
	taken := slices.Grow(g.taken[:0], n)[:n]
	clear(taken)
	g.taken = taken
	for _, i := range top {
		taken[i] = true
	}
	for len(out) < g.opt.TopTerms {
		best := -1
		for i := range n {
			if !taken[i] && (best < 0 || better(i, best)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		if name := g.termName(term(best)); !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ownTerms lists an item's most distinctive terms.
func (g *Grouper) ownTerms(q *query) []string {
	return g.topNames(len(q.x.vec), func(i int) termID { return q.x.vec[i].t }, func(i, j int) bool {
		return q.w[i] > q.w[j] || q.w[i] == q.w[j] && i < j
	})
}
