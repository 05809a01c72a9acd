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

// query is one item being decided: its tf-idf weights, also spread over a
// dense vector indexed by term so that comparing with a member costs one
// pass over the member.
type query struct {
	x     *item
	w     []float64 // aligned with x.vec
	idf   []float64 // aligned with x.vec
	named []bool    // aligned with x.vec: a rare name, evidence of one event
	norm  float64
	dense []float64 // by termID; zero for terms the item lacks
}

func (g *Grouper) newQuery(x *item) *query {
	n := len(x.vec)
	q := &query{x: x, w: make([]float64, n), idf: make([]float64, n), named: make([]bool, n)}
	for i, e := range x.vec {
		q.idf[i] = g.idf(e.t)
		q.w[i] = float64(e.w) * q.idf[i]
		q.norm += q.w[i] * q.w[i]
		q.named[i] = q.idf[i] > 1.5 && g.voc.isName(e.t) && !g.smallNumber(e.t)
	}
	q.norm = math.Sqrt(q.norm)
	if n := len(g.voc.keys); len(g.dense) < n {
		g.dense = append(g.dense, make([]float64, n-len(g.dense))...)
	}
	q.dense = g.dense
	for i, e := range x.vec {
		q.dense[e.t] = q.w[i]
	}
	return q
}

// release clears the dense vector for the next query.
func (q *query) release() {
	for _, e := range q.x.vec {
		q.dense[e.t] = 0
	}
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
	var dot float64
	for i, e := range q.x.vec {
		c, ok := s.cent[e.t]
		if !ok {
			continue
		}
		v := q.w[i] * float64(c.w) * q.idf[i]
		dot += v
		m.shared = append(m.shared, shared{e.t, v})
		if q.named[i] {
			if !m.entity || q.idf[i] > g.idf(m.entityTerm) {
				m.entityTerm = e.t
			}
			m.entity = true
		}
	}
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
	for _, y := range members {
		if c := g.cosine(q, y); c > m.cosM {
			m.cosM = c
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
	for _, f := range g.x.lx.families {
		lacks, foreign := false, false
		for _, k := range f.keys {
			id, ok := g.voc.ids[k]
			if !ok {
				continue
			}
			share := 0.0
			if c := s.cent[id]; c != nil {
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

// sharedTerms lists the terms of a match by contribution, largest first.
func sharedTerms(m matchResult) []termID {
	sh := slices.Clone(m.shared)
	slices.SortFunc(sh, func(p, r shared) int {
		if c := cmp.Compare(r.v, p.v); c != 0 {
			return c
		}
		return cmp.Compare(p.t, r.t)
	})
	ts := make([]termID, len(sh))
	for i, s := range sh {
		ts[i] = s.t
	}
	return ts
}

// centroidNorm returns the story centroid's tf-idf length, recomputed when
// members change or the corpus size moves.
func (g *Grouper) centroidNorm(s *story) float64 {
	if s.normOK && s.normDocs == g.idfDocs {
		return s.norm
	}
	var n float64
	for t, c := range s.cent {
		v := float64(c.w) * g.idf(t)
		n += v * v
	}
	s.norm, s.normDocs, s.normOK = math.Sqrt(n), g.idfDocs, true
	return s.norm
}

// cosine is the tf-idf cosine between the query item and one member.
func (g *Grouper) cosine(q *query, y *item) float64 {
	if y.normDocs != g.idfDocs || y.norm == 0 {
		var n float64
		for _, e := range y.vec {
			v := float64(e.w) * g.idf(e.t)
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
			dot += qw * float64(e.w) * g.idf(e.t)
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

// deepMatches is how many of the best centroid matches are also compared
// member by member.
const deepMatches = 8

// decide picks the story an item joins, or nil for a new one.
func (g *Grouper) decide(x *item) (Decision, *story) {
	q := g.newQuery(x)
	defer q.release()
	var ms []matchResult
	for _, s := range g.candidates(q) {
		ms = append(ms, g.centroidMatch(q, s))
	}
	byScore := func(a, b matchResult) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.s.label, b.s.label)
	}
	slices.SortFunc(ms, byScore)
	if len(ms) > deepMatches {
		ms = ms[:deepMatches]
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
		reason += fmt.Sprintf(", shared name %q", g.termNames([]termID{best.entityTerm})[0])
	} else {
		reason += ", no shared name"
	}
	return Decision{Score: best.score, Terms: g.termNames(sharedTerms(best)), Reason: reason}, best.s
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
	bw := make(map[termID]float64, len(b))
	for _, x := range b {
		bw[x.t] = x.v / sb
	}
	var inter, union float64
	for _, x := range a {
		v := x.v / sa
		if u, ok := bw[x.t]; ok {
			inter += min(v, u)
			union += max(v, u)
			delete(bw, x.t)
		} else {
			union += v
		}
	}
	for _, u := range bw {
		union += u
	}
	if union == 0 {
		return 0
	}
	return inter / union
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
func (g *Grouper) ownTerms(q *query) []string {
	idx := make([]int, len(q.x.vec))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(q.w[b], q.w[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ts := make([]termID, len(idx))
	for i, j := range idx {
		ts[i] = q.x.vec[j].t
	}
	return g.termNames(ts)
}
