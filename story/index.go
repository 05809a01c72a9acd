package story

import (
	"cmp"
	"slices"
)

// candidates looks up stories sharing the item's rarest terms through the
// inverted index, keeping those whose span the item would not stretch past
// Window, best first by the summed weight of the terms they share.
func (g *Grouper) candidates(q *query) []*story {
	x := q.x
	order := make([]int, len(x.vec))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(q.idf[b], q.idf[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	g.gen++
	var found []*story
	used := 0
	t := x.t.Unix()
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
	slices.SortFunc(found, func(a, b *story) int {
		if c := cmp.Compare(b.acc, a.acc); c != 0 {
			return c
		}
		return cmp.Compare(a.label, b.label)
	})
	if len(found) > g.opt.MaxCandidates {
		found = found[:g.opt.MaxCandidates]
	}
	return found
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
		for _, e := range x.vec {
			g.voc.count(e, -1)
			g.voc.unref(e.t)
		}
		g.voc.docs--
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
