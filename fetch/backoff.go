package fetch

import (
	"errors"
	"time"
)

// Backoff is the delay before the next attempt after `failures` consecutive
// failures: exponential with full jitter, uniform over [base, ceiling] where
// ceiling = min(max, base·2^failures).
//
// Why full jitter: when a host goes down, every feed on it fails in the same
// minute; spreading the retries over the whole window is what keeps them from
// arriving together again (it has the lowest total load of the usual
// variants, per AWS's "Exponential Backoff and Jitter"). Why not
// decorrelated jitter: it needs the previous delay, and the store keeps only
// the failure count (crosswire.Feed.Failures), so this stays stateless.
// The window starts at base rather than 0 so a failing feed is never retried
// sooner than base.
//
// failures <= 0 gives 0. rnd is a uniform sample in [0, 1) (clamped).
// If max < base, max wins.
func Backoff(failures int, base, max time.Duration, rnd float64) time.Duration {
	if failures <= 0 || base <= 0 {
		return 0
	}
	if max < base {
		return max
	}
	ceiling := base
	for i := 0; i < failures && ceiling < max; i++ {
		if ceiling > max/2 {
			ceiling = max
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, max)
	switch {
	case rnd < 0 || rnd != rnd: // negative or NaN
		rnd = 0
	case rnd >= 1:
		rnd = 1
	}
	return base + time.Duration(rnd*float64(ceiling-base))
}

// RetryDelay is how long to wait after err, the failures-th consecutive
// failure: Backoff with the client's Rand, or the server's Retry-After (from a
// *StatusError) when that is longer. The server's figure is not clamped to
// max: a server that asks for an hour gets an hour (parsing already bounds it
// at 30 days).
func (c *Client) RetryDelay(err error, failures int, base, max time.Duration) time.Duration {
	d := Backoff(failures, base, max, c.opt.Rand())
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		return se.RetryAfter
	}
	return d
}
