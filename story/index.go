package story

import (
	"cmp"
	"slices"
	"time"
)

// candidates looks up stories sharing the item's rarest terms through the
// inverted index, keeping those whose span the item would not stretch past
// Window.
func (g *Grouper) candidates(q *query) []*story {
	x, w := q.x, q.w
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
