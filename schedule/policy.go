// Package schedule decides when each feed is polled next and runs the polls.
// The policy is pure (times in, times out) so it is tested without clocks;
// the runner drives it against the store.
package schedule

import (
	"sort"
	"time"

	"crosswire/fetch"
)

// Policy bounds and adapts polling intervals.
type Policy struct {
	Default time.Duration // first interval of a new feed
	Min     time.Duration
	Max     time.Duration
	// BackoffBase is the first delay after a failure; it doubles with each
	// consecutive failure up to Max (or MaxBackoff when larger).
	BackoffBase time.Duration
	MaxBackoff  time.Duration
}

// Outcome is what a poll observed, as the policy needs it.
type Outcome struct {
	Failed     bool
	RetryAfter time.Duration // the server's Retry-After, if any
	New        int           // articles stored for the first time
	// Published are the entries' publication times from the document (any
	// order, zero times ignored); they show how often the feed publishes.
	Published []time.Time
	Hint      time.Duration // <ttl> / sy:updatePeriod: the feed asks not to be polled more often
}

// Next returns the feed's new interval and next poll time. failures is the
// count of consecutive failures including this poll's (0 after a success);
// rnd in [0,1) spreads retries and polls so feeds do not move in lockstep.
func (p Policy) Next(now time.Time, current time.Duration, failures int, o Outcome, rnd float64) (time.Duration, time.Time) {
	p = p.withDefaults()
	if current <= 0 {
		current = p.Default
	}
	if o.Failed {
		d := fetch.Backoff(failures, p.BackoffBase, p.MaxBackoff, rnd)
		if o.RetryAfter > d {
			d = o.RetryAfter
		}
		return current, now.Add(d)
	}
	next := current
	if gap, ok := publishGap(o.Published); ok {
		// Poll about twice per typical gap between posts, so a new item waits
		// half a gap on average.
		next = gap / 2
	} else if o.New == 0 {
		next = current * 3 / 2
	}
	if o.New == 0 && next < current {
		// Quiet poll: do not speed up on old evidence alone.
		next = current
	}
	if o.Hint > 0 && next < o.Hint {
		next = o.Hint
	}
	next = clamp(next, p.Min, p.Max)
	// Up to 10% jitter.
	jitter := time.Duration(float64(next) * 0.1 * rnd)
	return next, now.Add(next + jitter)
}

func (p Policy) withDefaults() Policy {
	if p.Default <= 0 {
		p.Default = 15 * time.Minute
	}
	if p.Min <= 0 {
		p.Min = time.Minute
	}
	if p.Max <= 0 {
		p.Max = 6 * time.Hour
	}
	if p.Max < p.Min {
		p.Max = p.Min
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = p.Min
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 24 * time.Hour
	}
	return p
}

// publishGap is the median gap between consecutive publication times of
// the newest (up to 10) entries.
func publishGap(times []time.Time) (time.Duration, bool) {
	var ts []time.Time
	for _, t := range times {
		if !t.IsZero() {
			ts = append(ts, t)
		}
	}
	if len(ts) < 3 {
		return 0, false
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].After(ts[j]) })
	if len(ts) > 10 {
		ts = ts[:10]
	}
	gaps := make([]time.Duration, 0, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i-1].Sub(ts[i]))
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	g := gaps[len(gaps)/2]
	if g <= 0 {
		return 0, false
	}
	return g, true
}

func clamp(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	if d > hi {
		return hi
	}
	return d
}
