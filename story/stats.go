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
	day    int64 // days since the Unix epoch of the items' published times
	docs   int
	counts map[termID]termCounts
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
		c, ok := b.counts[e.t]
		if ok {
			// The bucket holds one reference to the term; the item's
			// goes with its vector.
			g.voc.unref(e.t)
		}
		c.add(countsOf(e), 1)
		b.counts[e.t] = c
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
	b := &statsBucket{day: d, counts: map[termID]termCounts{}}
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
		for t, c := range b.counts {
			g.voc.tally(t, c, -1)
			g.voc.unref(t)
		}
		g.voc.docs -= b.docs
		n++
	}
	if n > 0 {
		g.buckets = append(g.buckets[:0], g.buckets[n:]...)
	}
}
