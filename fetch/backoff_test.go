package fetch

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const base, max = time.Minute, time.Hour
	tests := []struct {
		name     string
		failures int
		base     time.Duration
		max      time.Duration
		rnd      float64
		want     time.Duration
	}{
		{"no failure", 0, base, max, 0.5, 0},
		{"first, low end", 1, base, max, 0, base},
		{"first, high end", 1, base, max, 1, 2 * base},
		{"first, middle", 1, base, max, 0.5, base + base/2},
		{"third, high end", 3, base, max, 1, 8 * base},
		{"third, quarter", 3, base, max, 0.25, base + 7*base/4},
		{"capped", 10, base, max, 1, max},
		{"capped, low end stays at base", 10, base, max, 0, base},
		{"huge failure count does not overflow", 1000, base, max, 0.999999, base + time.Duration(0.999999*float64(max-base))},
		{"negative rnd", 2, base, max, -3, base},
		{"NaN rnd", 2, base, max, math.NaN(), base},
		{"max below base", 3, time.Hour, time.Minute, 0.5, time.Minute},
		{"no base", 3, 0, max, 0.5, 0},
	}
	for _, tt := range tests {
		if got := Backoff(tt.failures, tt.base, tt.max, tt.rnd); got != tt.want {
			t.Errorf("%s: Backoff(%d, %s, %s, %v) = %s, want %s", tt.name, tt.failures, tt.base, tt.max, tt.rnd, got, tt.want)
		}
	}
}

// The jitter must actually spread: samples over [0,1) cover the window.
func TestBackoffSpreads(t *testing.T) {
	const base, ceiling = time.Second, time.Hour
	lo, hi := ceiling, time.Duration(0)
	for i := 0; i < 100; i++ {
		d := Backoff(4, base, ceiling, float64(i)/100)
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo != base || hi < 15*base {
		t.Fatalf("4th failure spread over [%s, %s], want [1s, ~16s]", lo, hi)
	}
}

func TestRetryDelay(t *testing.T) {
	c := New(Options{Rand: func() float64 { return 0 }})
	const base, ceiling = time.Minute, time.Hour
	errFake := errors.New("connection reset")
	wrap := func(err error) error { return fmt.Errorf("poll feed 7: %w", err) }
	tests := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"plain error: backoff", errFake, base},
		{"longer Retry-After wins", &StatusError{Status: 429, RetryAfter: 2 * time.Hour}, 2 * time.Hour},
		{"shorter Retry-After loses", &StatusError{Status: 503, RetryAfter: time.Second}, base},
		{"wrapped StatusError", wrap(&StatusError{Status: 429, RetryAfter: 10 * time.Minute}), 10 * time.Minute},
	}
	for _, tt := range tests {
		if got := c.RetryDelay(tt.err, 1, base, ceiling); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
