package schedule

import (
	"testing"
	"time"
)

func TestPolicyNext(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := Policy{Default: 15 * time.Minute, Min: 5 * time.Minute, Max: 6 * time.Hour, BackoffBase: 5 * time.Minute, MaxBackoff: 12 * time.Hour}
	hourly := func(n int) []time.Time {
		var ts []time.Time
		for i := 0; i < n; i++ {
			ts = append(ts, now.Add(-time.Duration(i)*time.Hour))
		}
		return ts
	}
	tests := []struct {
		name         string
		current      time.Duration
		failures     int
		o            Outcome
		wantInterval time.Duration
		wantDelay    time.Duration // with rnd = 0
	}{
		{"new feed, hourly posts", 0, 0, Outcome{New: 10, Published: hourly(10)}, 30 * time.Minute, 30 * time.Minute},
		{"busy feed clamps to min", 15 * time.Minute, 0, Outcome{New: 5, Published: []time.Time{now, now.Add(-time.Minute), now.Add(-2 * time.Minute)}}, 5 * time.Minute, 5 * time.Minute},
		{"quiet poll slows down", 20 * time.Minute, 0, Outcome{}, 30 * time.Minute, 30 * time.Minute},
		{"quiet poll never speeds up on old items", 2 * time.Hour, 0, Outcome{Published: hourly(5)}, 2 * time.Hour, 2 * time.Hour},
		{"slowdown capped at max", 5 * time.Hour, 0, Outcome{}, 6 * time.Hour, 6 * time.Hour},
		{"ttl hint is a floor", 15 * time.Minute, 0, Outcome{New: 3, Published: hourly(5), Hint: 2 * time.Hour}, 2 * time.Hour, 2 * time.Hour},
		{"first failure backs off", 15 * time.Minute, 1, Outcome{Failed: true}, 15 * time.Minute, 5 * time.Minute},

		{"retry-after wins when longer", 15 * time.Minute, 1, Outcome{Failed: true, RetryAfter: time.Hour}, 15 * time.Minute, time.Hour},
		{"backoff window capped", 15 * time.Minute, 30, Outcome{Failed: true}, 15 * time.Minute, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv, next := p.Next(now, tt.current, tt.failures, tt.o, 0)
			if iv != tt.wantInterval {
				t.Errorf("interval = %s, want %s", iv, tt.wantInterval)
			}
			if d := next.Sub(now); d != tt.wantDelay {
				t.Errorf("delay = %s, want %s", d, tt.wantDelay)
			}
		})
	}
}

func TestJitterSpreadsButStaysBounded(t *testing.T) {
	now := time.Unix(0, 0)
	p := Policy{Min: time.Minute, Max: time.Hour}
	_, lo := p.Next(now, 10*time.Minute, 0, Outcome{New: 1}, 0)
	_, hi := p.Next(now, 10*time.Minute, 0, Outcome{New: 1}, 0.999)
	if !hi.After(lo) || hi.Sub(now) > 11*time.Minute {
		t.Errorf("jitter: lo %s hi %s", lo.Sub(now), hi.Sub(now))
	}
	// Failures widen the retry window (full jitter), up to MaxBackoff.
	p.MaxBackoff = 2 * time.Hour
	for f, want := range map[int]time.Duration{1: 2 * time.Minute, 3: 8 * time.Minute, 20: 2 * time.Hour} {
		_, next := p.Next(now, 10*time.Minute, f, Outcome{Failed: true}, 0.9999)
		if d := next.Sub(now); d < want-time.Second || d > want {
			t.Errorf("failure %d: latest retry after %s, want about %s", f, d, want)
		}
	}
}
