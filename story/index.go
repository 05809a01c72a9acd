package story

import (
	"cmp"
	"slices"
)

// candidates looks up stories sharing the item's rarest terms through the
// inverted index, keeping those whose span the item would not stretch past
// Window, best first by the summed weight of the terms they share.
//
// The work is bounded whatever the density of the window: a term on more
// than MaxPostings stories is too common to tell events apart and proposes
// none, at most QueryTerms terms and MaxScan index entries are read, and
// the best MaxCandidates are selected without sorting the rest. The result
// is scratch, valid until the next lookup.
func (g *Grouper) candidates(q *query) []*story {
	x := q.x
	order := g.order[:0]
	for i, e := range x.vec {
		// Terms no live story has are useless here (the rarest: often
		// only this item has them).
		if n := g.liveStoriesWith(e.t); n > 0 && n <= g.opt.MaxPostings {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(q.idf[b], q.idf[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(order) > g.opt.QueryTerms {
		order = order[:g.opt.QueryTerms]
	}
	g.order = order
	g.gen++
	found := g.found[:0]
	budget := g.opt.MaxScan
	t := x.t.Unix()
	for _, i := range order {
		if budget <= 0 {
			break
		}
		ps := g.postings[x.vec[i].t]
		if len(ps) > budget {
			ps = ps[len(ps)-budget:] // the newest stories
		}
		budget -= len(ps)
		for _, s := range ps {
			if s.gen != g.gen {
				if !s.alive || s.closed || max(s.lastU, t)-min(s.firstU, t) > g.windowSec {
					continue
				}
				s.gen, s.acc = g.gen, 0
				found = append(found, s)
			}
			s.acc += q.w[i]
		}
	}
	g.found = found

	g.top = bestStories(g.top[:0], found, g.opt.MaxCandidates)
	clear(found) // let evicted stories go
	return g.top
}

// bestStories appends to top the k stories of found that gathered the
// most weight (ties by label), best first. It is a partial insertion sort:
// most stories fall below the kept ones at the first comparison.
func bestStories(top, found []*story, k int) []*story {
	better := func(a, b *story) bool {
		return a.acc > b.acc || a.acc == b.acc && a.label < b.label
	}
	for _, s := range found {
		if len(top) == k && !better(s, top[k-1]) {
			continue
		}
		i := len(top)
		if i < k {
			top = append(top, s)
		} else {
			i = k - 1
		}
		for ; i > 0 && better(s, top[i-1]); i-- {
			top[i] = top[i-1]
		}
		top[i] = s
	}
	return top
}

// liveStoriesWith is how many live stories have the term in their
// centroid; its index list may be longer, with dead stories.
func (g *Grouper) liveStoriesWith(t termID) int {
	if int(t) < len(g.liveWith) {
		return int(g.liveWith[t])
	}
	return 0
}

func (g *Grouper) addPosting(t termID, s *story) {
	for int(t) >= len(g.postings) {
		g.postings = append(g.postings, nil)
		g.liveWith = append(g.liveWith, 0)
	}
	g.postings[t] = append(g.postings[t], s)
	g.liveWith[t]++
	g.livePostings++
}

// dropPosting records that a live story no longer has the term; its index
// entry stays until compaction.
func (g *Grouper) dropPosting(t termID) {
	g.liveWith[t]--
}

// resetPostings empties a term's list when its id is given to a new term.
func (g *Grouper) resetPostings(t termID) {
	if int(t) < len(g.postings) {
		ps := g.postings[t]
		clear(ps)
		g.postings[t] = ps[:0]
		g.liveWith[t] = 0
	}
}

// evict forgets stories that can no longer grow and term statistics older
// than StatsWindow.
func (g *Grouper) evict() {
	storyHorizon := g.watermark.Add(-g.opt.Window - g.opt.Lateness)
	for {
		s, ok := g.stories.peek()
		if !ok || s.alive && !s.first.Before(storyHorizon) {
			break
		}
		g.stories.pop()
		if s.alive {
			g.kill(s)
		}
	}
	statsHorizon := g.watermark.Add(-g.opt.StatsWindow)
	for {
		x, ok := g.stats.peek()
		if !ok || !x.t.Before(statsHorizon) {
			break
		}
		g.stats.pop()
		if x.folded {
			continue // its bucket counts it
		}
		for _, e := range x.vec {
			g.voc.count(e, -1)
			g.voc.unref(e.t)
		}
		g.voc.docs--
	}
	g.evictBuckets(statsHorizon)
	if g.deadPostings > 1024 && g.deadPostings > g.livePostings {
		g.compact()
	}
}

func (g *Grouper) kill(s *story) {
	s.alive = false
	for _, c := range s.cent {
		g.dropPosting(c.t)
		g.voc.unref(c.t)
	}
	g.livePostings -= len(s.cent)
	g.deadPostings += len(s.cent)
	for _, y := range s.members {
		if g.byID[y.id] == y {
			delete(g.byID, y.id)
		}
		g.fold(y)
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
			if s.alive && s.centEntryOf(termID(t)) != nil {
				keep = append(keep, s)
			}
		}
		clear(ps[len(keep):])
		if len(keep) == 0 {
			keep = nil
		}
		g.postings[t] = keep
	}
	g.deadPostings = 0
}

// queue is a FIFO that reuses its backing array.
type queue[T any] struct {
	buf  []T
	head int
}

func (q *queue[T]) push(v T) { q.buf = append(q.buf, v) }

func (q *queue[T]) peek() (T, bool) {
	if q.head == len(q.buf) {
		var zero T
		return zero, false
	}
	return q.buf[q.head], true
}

func (q *queue[T]) pop() {
	var zero T
	q.buf[q.head] = zero
	q.head++
	if q.head > 1024 && q.head*2 > len(q.buf) {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf = q.buf[:n]
		q.head = 0
	}
}

func (q *queue[T]) items() []T { return q.buf[q.head:] }
