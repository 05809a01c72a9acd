package story

import "time"

// An item's term vector is needed, term by term, only while its story can
// grow. After that it only counts in the term statistics until it ages out
// of StatsWindow, which is much longer than a story's life, and the items
// of one day share most of their terms. So when a story ends, its items'
// statistics are folded into a bucket per day and their vectors dropped:
// that is most of what a grouper would otherwise hold on a busy hub. A
// bucket leaves the statistics when its whole day has aged out, so a folded
// item counts up to a day longer than an unfolded one would.

// statsBucket is the folded statistics of one day's items.
type statsBucket struct {
	day   int64 // days since the Unix epoch of the items' published times
	docs  int
	index map[termID]int32 // term → its position in the slices below
	terms []termID
	df    []int32
	upper []int32
	lower []int32
}

const secondsPerDay = int64(24 * time.Hour / time.Second)

// fold moves the statistics of an item whose story ended into its day's
// bucket; the item keeps only what the statistics queue needs to skip it.
func (g *Grouper) fold(x *item) {
	if x.folded {
		return
	}
	b := g.bucket(x.t.Unix() / secondsPerDay)
	b.docs++
	for _, e := range x.vec {
		i, ok := b.index[e.t]
		if ok {
			// The bucket holds one reference to the term; the item's
			// goes with its vector.
			g.voc.unref(e.t)
		} else {
			i = int32(len(b.terms))
			b.index[e.t] = i
			b.terms = append(b.terms, e.t)
			b.df = append(b.df, 0)
			b.upper = append(b.upper, 0)
			b.lower = append(b.lower, 0)
		}
		b.df[i]++
		b.upper[i] += int32(e.upper)
		b.lower[i] += int32(e.lower)
	}
	x.vec, x.folded = nil, true
}

// bucket returns the bucket of a day, adding it in day order.
func (g *Grouper) bucket(d int64) *statsBucket {
	bs := g.buckets
	i := len(bs)
	for i > 0 && bs[i-1].day >= d {
		if bs[i-1].day == d {
			return bs[i-1]
		}
		i--
	}
	b := &statsBucket{day: d, index: map[termID]int32{}}
	g.buckets = append(bs[:i], append([]*statsBucket{b}, bs[i:]...)...)
	return b
}

// evictBuckets removes from the statistics the buckets of days wholly
// before horizon.
func (g *Grouper) evictBuckets(horizon time.Time) {
	h := horizon.Unix()
	n := 0
	for n < len(g.buckets) && (g.buckets[n].day+1)*secondsPerDay <= h {
		b := g.buckets[n]
		for i, t := range b.terms {
			g.voc.df[t] -= b.df[i]
			g.voc.upper[t] -= b.upper[i]
			g.voc.lower[t] -= b.lower[i]
			g.voc.unref(t)
		}
		g.voc.docs -= b.docs
		n++
	}
	if n > 0 {
		g.buckets = append(g.buckets[:0], g.buckets[n:]...)
	}
}
